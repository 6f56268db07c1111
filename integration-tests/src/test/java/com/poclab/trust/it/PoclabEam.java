package com.poclab.trust.it;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;

/** Realm eam as Entra reaches it, and its settings as an admin changes them. */
public final class PoclabEam {

    public static final String CLIENT_ID = "poclab-eam";
    public static final String FLOW = "poclab eam";
    public static final String HINT_AUTHENTICATOR = "poclab-eam-hint";

    private PoclabEam() {
    }

    /** The EAM settings (authenticator config of the hint step), as the admin console edits them. */
    public static void configure(RealmResource realm, Map<String, String> changes) {
        AuthenticationExecutionInfoRepresentation hintStep = realm.flows().getExecutions(FLOW).stream()
                .filter(e -> HINT_AUTHENTICATOR.equals(e.getProviderId())).findFirst().orElseThrow();
        AuthenticatorConfigRepresentation config = realm.flows().getAuthenticatorConfig(hintStep.getAuthenticationConfig());
        Map<String, String> values = new HashMap<>(config.getConfig());
        values.putAll(changes);
        config.setConfig(values);
        realm.flows().updateAuthenticatorConfig(config.getId(), config);
    }

    /** Points realm eam at a test Entra: its authority, its tenant on the allow-list, first-use enrollment. */
    public static void trust(RealmResource realm, TestEntra entra, String tenant) {
        configure(realm, Map.of("entra.authority", entra.authority(), "entra.tenants", tenant,
                "entra.app-id", "", "enrollment.policy", "first-use"));
    }

    /** Entra's form POST to the authorization endpoint (contract section 1). */
    public static Map<String, String> entraRequest(String hint) {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("scope", "openid");
        request.put("response_type", "id_token");
        request.put("response_mode", "form_post");
        request.put("client_id", CLIENT_ID);
        request.put("redirect_uri", TestEntra.REDIRECT_URI);
        request.put("nonce", TestEntra.randomBase64(32));
        request.put("state", TestEntra.randomBase64(48));
        if (hint != null) {
            request.put("id_token_hint", hint);
        }
        request.put("claims", TestEntra.CLAIMS);
        request.put("client-request-id", TestEntra.newGuid());
        return request;
    }
}
