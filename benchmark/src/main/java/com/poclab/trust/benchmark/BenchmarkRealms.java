package com.poclab.trust.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Prepares the server through the admin API, as an admin would before go-live: realm eam trusts the
 * loopback Entra, realm okta serves the Okta org, realm baseline is stock Keycloak (built-in browser
 * flow: password, then OTP for people who have one). People are imported with their OTP credential
 * already enrolled (partial import), the way a migration brings existing authenticators over.
 */
public final class BenchmarkRealms {

    public static final String EAM_CLIENT = "poclab-eam";
    public static final String OKTA_CLIENT = "poclab-okta";
    public static final String OKTA_ORG = "https://acme.okta.com";
    public static final String OKTA_CALLBACK = OKTA_ORG + "/oauth2/v1/authorize/callback";
    public static final String BASELINE_REALM = "baseline";
    public static final String BASELINE_CLIENT = "baseline-app";
    public static final String BASELINE_CALLBACK = "https://app.acme.com/oidc/callback";
    /** Everyone in the baseline shares it: Keycloak hashes it per person at import all the same. */
    public static final String BASELINE_PASSWORD = "Bench-" + UUID.randomUUID();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IMPORT_BATCH = 250;

    private final KeycloakAdmin admin;
    /** What {@link #prepare} changed, as it was, for {@link #restore}: admin API path -> representation. */
    private final Map<String, JsonNode> originals = new LinkedHashMap<>();
    private String runPrefix;

    public BenchmarkRealms(KeycloakAdmin admin) {
        this.admin = admin;
    }

    /** The populations and secrets the round trips need. */
    public record Prepared(Population eam, Population okta, Population baseline, String oktaSecret, String baselineSecret) {
    }

    public Prepared prepare(LoopbackEntra entra, BenchmarkSettings settings) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        runPrefix = "bench-" + run;
        trustEntra(entra);
        Population eam = Population.create("bench-" + run, "contoso.com", settings.eamPeople());
        importPeople("eam", eam, person -> {
            Map<String, Object> user = person(person.username());
            String tid = entra.tenantId();
            user.put("attributes", Map.of(
                    "entra_tid", List.of(tid),
                    "entra_oid", List.of(person.entraObjectId()),
                    "entra_key", List.of((tid + ":" + person.entraObjectId()).toLowerCase(Locale.ROOT))));
            user.put("credentials", List.of(otpCredential(person)));
            return user;
        });

        String oktaSecret = serveOktaOrg();
        Population okta = Population.create("bench-" + run, "acme.com", settings.oktaPeople());
        importPeople("okta", okta, person -> {
            Map<String, Object> user = person(person.username());
            user.put("credentials", List.of(otpCredential(person)));
            return user;
        });

        String baselineSecret = createBaselineRealm();
        Population baseline = Population.create("bench-" + run, "acme.com", settings.baselinePeople());
        importPeople(BASELINE_REALM, baseline, person -> {
            Map<String, Object> user = person(person.username());
            Map<String, Object> password = new LinkedHashMap<>();
            password.put("type", "password");
            password.put("value", BASELINE_PASSWORD);
            password.put("temporary", false);
            user.put("credentials", List.of(password, otpCredential(person)));
            return user;
        });
        return new Prepared(eam, okta, baseline, oktaSecret, baselineSecret);
    }

    /**
     * Undoes {@link #prepare} on a server that is used for more than the benchmark (the integration
     * tests' one): the changed settings and client back as they were, this run's people and the
     * baseline realm gone.
     */
    public void restore() {
        originals.forEach(admin::put);
        for (String realm : List.of("eam", "okta")) {
            for (JsonNode user : admin.get("/" + realm + "/users?max=100000&briefRepresentation=true&search=" + runPrefix)) {
                admin.delete("/" + realm + "/users/" + user.get("id").asText());
            }
        }
        removeBaselineRealm();
    }

    public void removeBaselineRealm() {
        admin.delete("/" + BASELINE_REALM);
    }

    /** The EAM settings (hint step's authenticator config) point at the loopback Entra and its tenant. */
    private void trustEntra(LoopbackEntra entra) {
        updateStepConfig("eam", "poclab eam", "poclab-eam-hint", Map.of(
                "entra.authority", entra.authority(),
                "entra.tenants", entra.tenantId(),
                "entra.app-id", "",
                "enrollment.policy", "first-use"));
    }

    /**
     * What the integrations page does for an Okta org (providers/okta OktaIntegration): the org in
     * the person step's config and exactly its callback as the client's redirect URI. Returns the
     * client secret Okta authenticates with.
     */
    private String serveOktaOrg() {
        updateStepConfig("okta", "poclab okta", "poclab-okta-person", Map.of(
                "okta.org-url", OKTA_ORG,
                "okta.custom-domains", ""));
        JsonNode client = admin.get("/okta/clients?clientId=" + OKTA_CLIENT).get(0);
        String id = client.get("id").asText();
        originals.putIfAbsent("/okta/clients/" + id, client.deepCopy());
        ObjectNode updated = (ObjectNode) client;
        updated.set("redirectUris", JSON.valueToTree(List.of(OKTA_CALLBACK)));
        // A client without a secret gets one in the same update, not through the regenerate action:
        // that action is an admin event restore() could not take back (the integrations page test counts them).
        String secret = client.path("secret").asText("");
        if (secret.isEmpty()) {
            secret = UUID.randomUUID().toString().replace("-", "");
            updated.put("secret", secret);
        }
        admin.put("/okta/clients/" + id, updated);
        return secret;
    }

    /** A fresh stock realm: Keycloak's defaults, one confidential client on the built-in browser flow. */
    private String createBaselineRealm() {
        if (admin.find("/" + BASELINE_REALM) != null) {
            removeBaselineRealm();
        }
        String secret = UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", BASELINE_CLIENT);
        client.put("protocol", "openid-connect");
        client.put("publicClient", false);
        client.put("clientAuthenticatorType", "client-secret");
        client.put("secret", secret);
        client.put("standardFlowEnabled", true);
        client.put("directAccessGrantsEnabled", false);
        client.put("redirectUris", List.of(BASELINE_CALLBACK));
        Map<String, Object> realm = new LinkedHashMap<>();
        realm.put("realm", BASELINE_REALM);
        realm.put("enabled", true);
        realm.put("clients", List.of(client));
        admin.post("", realm);
        return secret;
    }

    private void updateStepConfig(String realm, String flowAlias, String providerId, Map<String, String> changes) {
        String configId = null;
        for (JsonNode execution : admin.get("/" + realm + "/authentication/flows/" + KeycloakAdmin.segment(flowAlias) + "/executions")) {
            if (providerId.equals(execution.path("providerId").asText())) {
                configId = execution.path("authenticationConfig").asText(null);
            }
        }
        if (configId == null) {
            throw new IllegalStateException("Realm " + realm + ": flow '" + flowAlias + "' has no configured " + providerId
                    + " step; was the realm imported from realm-export/?");
        }
        ObjectNode config = (ObjectNode) admin.get("/" + realm + "/authentication/config/" + configId);
        originals.putIfAbsent("/" + realm + "/authentication/config/" + configId, config.deepCopy());
        ObjectNode values = (ObjectNode) config.get("config");
        changes.forEach(values::put);
        admin.put("/" + realm + "/authentication/config/" + configId, config);
    }

    private void importPeople(String realm, Population population, java.util.function.Function<Population.Person, Map<String, Object>> toUser) {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (Population.Person person : population.everyone()) {
            batch.add(toUser.apply(person));
            if (batch.size() == IMPORT_BATCH) {
                partialImport(realm, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            partialImport(realm, batch);
        }
    }

    private void partialImport(String realm, List<Map<String, Object>> users) {
        JsonNode result = admin.post("/" + realm + "/partialImport", Map.of("ifResourceExists", "FAIL", "users", users));
        if (result == null || result.path("added").asInt() != users.size()) {
            throw new IllegalStateException("Partial import into " + realm + " added " + (result == null ? "nothing" : result.path("added"))
                    + " of " + users.size() + " people");
        }
    }

    /** A profile Keycloak 26's default user profile accepts without asking anything at sign-in. */
    private static Map<String, Object> person(String username) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("email", username);
        user.put("emailVerified", true);
        user.put("firstName", "Bench");
        user.put("lastName", "Person");
        user.put("enabled", true);
        return user;
    }

    /** Keycloak's stored form of an enrolled TOTP authenticator (OTPCredentialModel). */
    private static Map<String, Object> otpCredential(Population.Person person) {
        Map<String, Object> otp = new LinkedHashMap<>();
        otp.put("type", "otp");
        otp.put("userLabel", "Authenticator app");
        otp.put("secretData", "{\"value\":\"" + person.totpSecret() + "\"}");
        otp.put("credentialData", "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":" + Totp.PERIOD_SECONDS
                + ",\"algorithm\":\"HmacSHA1\"}");
        return otp;
    }
}
