package com.poclab.trust.common.enrollment;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.authentication.actiontoken.DefaultActionToken;

/**
 * A Keycloak action token (signed by the realm, expiring) that lets one person enroll one
 * POCLAB factor. Its own type rather than Keycloak's {@code execute-actions} token, because
 * that one stays usable until it expires when its actions are TOTP or WebAuthn setup.
 */
public class EnrollmentLinkToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "poclab-enroll";
    private static final String JSON_FIELD_FACTOR = "pfac";

    @JsonProperty(JSON_FIELD_FACTOR)
    private String factor;

    public EnrollmentLinkToken(String userId, String email, int absoluteExpirationInSecs, EnrollmentFactor factor, String clientId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, null);
        setEmail(email);
        this.factor = factor.value();
        this.issuedFor = clientId;
    }

    /** For Jackson. */
    private EnrollmentLinkToken() {
    }

    public String getFactor() {
        return factor;
    }
}
