package com.poclab.trust.integrations.access;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;

import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * The form token every POST of the page carries: an HMAC of the admin's user-session id with
 * master's active HMAC key. Nothing is stored; it dies with the session or a key rotation.
 */
public final class CsrfToken {

    public static final String FORM_FIELD = "csrf";

    private CsrfToken() {
    }

    public static String of(KeycloakSession session, RealmModel master, UserSessionModel userSession) {
        KeyWrapper key = session.keys().getActiveKey(master, KeyUse.SIG, Algorithm.HS512);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.getSecretKey());
            byte[] tag = mac.doFinal(("poclab-integrations|" + userSession.getId()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot compute the form token with master's HMAC key", e);
        }
    }

    public static boolean matches(KeycloakSession session, RealmModel master, UserSessionModel userSession, String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] expected = of(session, master, userSession).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }
}
