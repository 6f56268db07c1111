package com.poclab.trust.eam;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.poclab.trust.common.EnrollmentPolicy;
import com.poclab.trust.eam.hint.EntraAuthority;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.Constants;

/**
 * Realm {@code eam}'s settings, typed: held in the hint authenticator's config
 * ({@link EamConstants#SETTINGS_ALIAS}), edited in the admin console or on the
 * integrations page.
 */
public record EamSettings(EntraAuthority authority, Set<String> tenants, String appId,
                          Duration maxAge, Duration clockSkew, EnrollmentPolicy enrollmentPolicy) {

    /** First use: Entra has already verified the person's primary credential, and the tenant allow-list bounds who may arrive. */
    public static final EnrollmentPolicy DEFAULT_POLICY = EnrollmentPolicy.FIRST_USE;

    /** @param clientId the EAM client's ID, the App ID when none is configured */
    public static EamSettings from(AuthenticatorConfigModel model, String clientId) {
        Map<String, String> config = model == null || model.getConfig() == null ? Map.of() : model.getConfig();
        String appId = config.getOrDefault(EamConstants.CONFIG_APP_ID, "").trim();
        return new EamSettings(
                EntraAuthority.parse(config.get(EamConstants.CONFIG_AUTHORITY)),
                parseTenants(config.get(EamConstants.CONFIG_TENANTS)),
                appId.isEmpty() ? clientId : appId,
                Duration.ofSeconds(seconds(config.get(EamConstants.CONFIG_MAX_AGE), EamConstants.DEFAULT_MAX_AGE_SECONDS)),
                Duration.ofSeconds(seconds(config.get(EamConstants.CONFIG_CLOCK_SKEW), EamConstants.DEFAULT_CLOCK_SKEW_SECONDS)),
                EnrollmentPolicy.parse(config.get(EnrollmentPolicy.CONFIG_KEY), DEFAULT_POLICY));
    }

    /** Tenant IDs as stored by Keycloak's multivalued config ("##"), commas or whitespace also accepted. */
    public static Set<String> parseTenants(String value) {
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(Constants.CFG_DELIMITER + "|[,\\s]+"))
                .map(String::trim).filter(s -> !s.isEmpty()).map(String::toLowerCase)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static long seconds(String value, int defaultSeconds) {
        try {
            long parsed = value == null || value.isBlank() ? defaultSeconds : Long.parseLong(value.trim());
            return parsed > 0 ? parsed : defaultSeconds;
        } catch (NumberFormatException e) {
            return defaultSeconds;
        }
    }
}
