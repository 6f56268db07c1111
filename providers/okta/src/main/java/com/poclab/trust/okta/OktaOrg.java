package com.poclab.trust.okta;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.keycloak.models.Constants;

/**
 * The Okta org POCLAB serves: its URL and optional custom domains, each {@code https://host}
 * with no path and no trailing slash. The only redirect URIs registered for the Okta client
 * are derived from them, so no other host ever receives a code.
 */
public record OktaOrg(String orgUrl, List<String> customDomains) {

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

    /**
     * @throws IllegalArgumentException with a message an admin can act on
     */
    public static OktaOrg parse(String orgUrl, String customDomains) {
        String org = checkOrigin(orgUrl, "Okta org URL");
        List<String> domains = new ArrayList<>();
        if (customDomains != null) {
            for (String d : customDomains.split(Constants.CFG_DELIMITER + "|[,\\s]+")) {
                if (!d.isBlank()) {
                    domains.add(checkOrigin(d.trim(), "Custom domain"));
                }
            }
        }
        return new OktaOrg(org, List.copyOf(domains));
    }

    /** Validates {@code https://host}; returns it in canonical (lower-case host) form. */
    public static String checkOrigin(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required, e.g. https://acme.okta.com");
        }
        String v = value.trim();
        if (v.endsWith("/")) {
            throw new IllegalArgumentException(what + " must not end with a slash: use " + v.replaceAll("/+$", ""));
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (Exception e) {
            throw new IllegalArgumentException(what + " is not a valid URL: " + v);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(what + " must start with https://");
        }
        if (uri.getRawUserInfo() != null || uri.getPort() != -1 || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            throw new IllegalArgumentException(what + " must be https:// and a host name only (no path, port, query or user), e.g. https://acme.okta.com");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(what + " has an invalid host name: " + v);
        }
        return "https://" + host;
    }

    /** The exact redirect URIs Okta uses: one per origin. */
    public Set<String> redirectUris() {
        Set<String> uris = new LinkedHashSet<>();
        uris.add(orgUrl + OktaConstants.CALLBACK_PATH);
        customDomains.forEach(d -> uris.add(d + OktaConstants.CALLBACK_PATH));
        return uris;
    }
}
