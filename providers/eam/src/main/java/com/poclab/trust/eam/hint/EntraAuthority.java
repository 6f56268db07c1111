package com.poclab.trust.eam.hint;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The Entra cloud that signs hints: its issuer form and published keys
 * (contract section 2). Global, US Government and China clouds, or a test authority on
 * the loopback interface.
 */
public record EntraAuthority(String baseUrl) {

    public static final String GLOBAL = "https://login.microsoftonline.com";
    public static final String US_GOVERNMENT = "https://login.microsoftonline.us";
    public static final String CHINA = "https://login.partner.microsoftonline.cn";

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    /**
     * Parses an authority URL: https, host only (no path, query or fragment); plain http is
     * accepted for a loopback test authority only.
     */
    public static EntraAuthority parse(String value) {
        if (value == null || value.isBlank()) {
            return new EntraAuthority(GLOBAL);
        }
        String trimmed = value.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Entra authority is not a URL: " + value);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = LOOPBACK.contains(host);
        if (host.isEmpty() || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
            throw new IllegalArgumentException("Entra authority must be an https URL (http only on localhost): " + value);
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Entra authority must be scheme and host only, e.g. " + GLOBAL);
        }
        return new EntraAuthority(trimmed);
    }

    /** {@code https://login.microsoftonline.com/{tid}/v2.0}: the only issuer form accepted. */
    public String issuer(String tenantId) {
        return baseUrl + "/" + tenantId + "/v2.0";
    }

    /** Where this cloud publishes the keys that sign hints for every tenant. */
    public String jwksUrl() {
        return baseUrl + "/common/discovery/v2.0/keys";
    }
}
