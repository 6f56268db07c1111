package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.poclab.trust.it.TestOkta.Authorization;
import com.poclab.trust.it.TestOkta.ClientAuth;
import com.poclab.trust.it.TestOkta.Reply;
import com.poclab.trust.it.cluster.TwoNodeCluster;
import com.poclab.trust.okta.OktaConstants;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Two POCLAB nodes from the distribution on one PostgreSQL, clustered by Keycloak's
 * Infinispan (jdbc-ping), as ops deploy them behind a load balancer. A person's browser
 * and Entra reach whichever node the balancer picks; here each step names its node.
 * Both nodes are 127.0.0.1 on two ports: cookies are scoped by host, not port, so one
 * browser's cookies reach both nodes, as they would through one hostname.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ClusterIT {

    private static final String TENANT = TestEntra.newGuid();
    /** Prefix of both nodes' base URLs (127.0.0.1:18080 and :18081): the browser follows redirects between them. */
    private static final String BOTH_NODES = "http://127.0.0.1:1808";

    private static TestEntra entra;
    private static TwoNodeCluster cluster;
    private static TwoNodeCluster.Node node1;
    private static TwoNodeCluster.Node node2;
    private static Keycloak admin1;
    private static Keycloak admin2;

    @BeforeAll
    static void startCluster() throws Exception {
        entra = new TestEntra();
        cluster = TwoNodeCluster.start();
        node1 = cluster.node(1);
        node2 = cluster.node(2);
        admin1 = admin(node1);
        admin2 = admin(node2);
        PoclabEam.configure(admin1.realm("eam"), Map.of(
                "entra.authority", entra.authority(),
                "entra.tenants", TENANT,
                "entra.app-id", "",
                "enrollment.policy", "first-use"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (admin1 != null) {
                admin1.close();
            }
            if (admin2 != null) {
                admin2.close();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (entra != null) {
                    entra.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    public void entrasRequestLandsOnNode1AndTheEnrollmentCompletesOnNode2() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser browser = new Browser(BOTH_NODES)) {
            Browser.Page setup = browser.post(authEndpoint(node1), request);
            Element form = setup.form("#kc-totp-settings-form");
            assertTrue(form.absUrl("action").startsWith(node1.base()), "node 1 rendered the setup page");
            moveFormTo(form, node2);
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));

            JsonNode token = mfaIdToken(answer, node1, request);
            assertEquals(oid, token.get("oid").asText());
            assertEquals(hint.claimValue("sub"), token.get("sub").asText());
        }
        // The event log is the cluster's (one database): node 1 shows the sign-in node 2 finished.
        RealmResource eam = admin1.realm("eam");
        String userId = eam.users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
        EventRepresentation login = eam.getEvents(List.of("LOGIN"), null, userId, null, null, null, 0, 10).stream()
                .findFirst().orElseThrow(() -> new AssertionError("no LOGIN event for " + oid));
        assertEquals(TestEntra.REDIRECT_URI, login.getDetails().get("redirect_uri"), "details " + login.getDetails());
        assertEquals("otp", login.getDetails().get("poclab_factor"), "details " + login.getDetails());
    }

    @Test
    @Order(2)
    public void aTotpEnrolledThroughNode1WorksOnNode2() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(node1, oid);

        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(BOTH_NODES)) {
            Browser.Page otpPage = browser.post(authEndpoint(node2), request);
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            assertEquals(oid, mfaIdToken(answer, node2, request).get("oid").asText());
        }
        assertEquals(oid, eventFor(admin1, "LOGIN", request.get("client-request-id")).getDetails().get("oid"));
    }

    @Test
    @Order(3)
    public void aHintUsedOnNode1IsRefusedAsAReplayOnNode2() throws Exception {
        String hint = entra.hint(TENANT, TestEntra.newGuid()).build();
        try (Browser first = new Browser(BOTH_NODES)) {
            first.post(authEndpoint(node1), PoclabEam.entraRequest(hint)).form("#kc-totp-settings-form");
        }
        assertRefusedOn(node2, hint, "eam_hint_replayed");
    }

    @Test
    @Order(4)
    public void eamSettingsSavedOnNode1TakeEffectOnNode2WithoutRestart() throws Exception {
        PoclabEam.configure(admin1.realm("eam"), Map.of("entra.tenants", TestEntra.newGuid()));
        try {
            assertRefusedOn(node2, entra.hint(TENANT, TestEntra.newGuid()).build(), "eam_hint_tenant_not_allowed");
        } finally {
            PoclabEam.configure(admin1.realm("eam"), Map.of("entra.tenants", TENANT));
        }
        try (Browser browser = new Browser(BOTH_NODES)) {
            browser.post(authEndpoint(node2), PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build()))
                    .form("#kc-totp-settings-form");
        }
    }

    @Test
    @Order(5)
    public void eachNodeCountsVerificationsByOutcomeAndReasonOnItsManagementPort() throws Exception {
        String replayed = "keycloak_user_events_total\\{[^}]*error=\"eam_hint_replayed\"[^}]*event=\"login\"[^}]*realm=\"eam\"[^}]*\\}";
        double before = metric(node2, replayed);
        String hint = entra.hint(TENANT, TestEntra.newGuid()).build();
        try (Browser first = new Browser(BOTH_NODES)) {
            first.post(authEndpoint(node2), PoclabEam.entraRequest(hint)).form("#kc-totp-settings-form");
        }
        assertRefusedOn(node2, hint, "eam_hint_replayed");
        assertEquals(before + 1, metric(node2, replayed), "one more refusal counted with its reason");
        assertTrue(metric(node2, "poclab_entra_jwks_fetches_total\\{outcome=\"success\"\\}") >= 1, "Entra key fetches are counted");
        assertEquals(0, metric(node2, "poclab_entra_jwks_fetches_total\\{outcome=\"failure\"\\}"), "no failed fetch");
    }

    @Test
    @Order(6)
    public void anOktaCodeIssuedByNode1IsRedeemedOnNode2AndOnlyOnce() throws Exception {
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(admin1.realm(PoclabRealms.OKTA));
        integration.configureOrg(OktaFlowIT.ORG, null);
        UserRepresentation person = new UserRepresentation();
        person.setUsername("cluster-" + TestEntra.newGuid().substring(0, 8) + "@acme.com");
        person.setEmail(person.getUsername());
        person.setEmailVerified(true);
        person.setFirstName("Cluster");
        person.setLastName("Acme");
        person.setEnabled(true);
        String personId;
        try (Response created = admin1.realm(PoclabRealms.OKTA).users().create(person)) {
            personId = CreatedResponseUtil.getCreatedId(created);
        }
        String secret = integration.secret();
        try (TestOkta oktaToNode1 = new TestOkta(node1.base() + "/realms/okta", OktaConstants.CLIENT_ID, secret, OktaFlowIT.CALLBACK);
             TestOkta oktaToNode2 = new TestOkta(node2.base() + "/realms/okta", OktaConstants.CLIENT_ID, secret, OktaFlowIT.CALLBACK);
             PersonBrowser browser = new PersonBrowser(node1.base())) {
            Authorization authz = oktaToNode1.authorize(person.getUsername(), true);
            PersonBrowser.Page page = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
            Element setup = page.form("kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(setup.selectFirst("input[name=totpSecret]").val());
            page = RecoveryCodes.save(browser, browser.submit(setup, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            assertNotNull(page.redirect(), "sent back to Okta");
            String code = page.redirectParams().get("code");
            assertNotNull(code, "node 1 issued a code: " + page.redirect());

            Reply tokens = oktaToNode2.redeem(code, authz, ClientAuth.CLIENT_SECRET_BASIC);
            assertEquals(200, tokens.status(), tokens.body());
            JsonNode claims = oktaToNode2.verifiedClaims(tokens.field("id_token"));
            assertEquals(personId, claims.get("sub").asText());
            assertEquals(authz.nonce(), claims.get("nonce").asText());

            Reply again = oktaToNode1.redeem(code, authz, ClientAuth.CLIENT_SECRET_BASIC);
            assertEquals(400, again.status(), "a code is single-use across the cluster: " + again.body());
            assertEquals("invalid_grant", again.field("error"));
        }
    }

    @Test
    @Order(7)
    public void afterKillMinus9OfNode1Node2ServesEveryPersonSessionAndSetting() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(node1, oid);
        Map<String, String> started = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(BOTH_NODES)) {
            Browser.Page otpPage = browser.post(authEndpoint(node1), started);
            Element form = otpPage.form("#kc-otp-login-form");

            node1.killHard();
            assertFalse(node1.isAlive(), "node 1 is gone");

            // The sign-in that node 1 started finishes on node 2 (the auth session has two owners).
            moveFormTo(form, node2);
            Browser.Page answer = browser.submit(otpPage, form, Map.of("otp", phone.nextCode()));
            assertEquals(oid, mfaIdToken(answer, node1, started).get("oid").asText());
        }

        // Node 2 alone: the configuration and the enrolled credential are all there.
        RealmResource eam = admin2.realm("eam");
        AuthenticationExecutionInfoRepresentation hintStep = eam.flows().getExecutions(PoclabEam.FLOW).stream()
                .filter(e -> PoclabEam.HINT_AUTHENTICATOR.equals(e.getProviderId())).findFirst().orElseThrow();
        Map<String, String> settings = eam.flows().getAuthenticatorConfig(hintStep.getAuthenticationConfig()).getConfig();
        assertEquals(entra.authority(), settings.get("entra.authority"));
        assertEquals(TENANT, settings.get("entra.tenants"));
        List<UserRepresentation> people = eam.users().searchByAttributes("entra_key:" + TENANT + ":" + oid);
        assertEquals(1, people.size());
        assertTrue(eam.users().get(people.get(0).getId()).credentials().stream().anyMatch(c -> "otp".equals(c.getType())),
                "the TOTP enrolled through node 1 is stored");

        Map<String, String> again = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(BOTH_NODES)) {
            Browser.Page otpPage = browser.post(authEndpoint(node2), again);
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            assertEquals(oid, mfaIdToken(answer, node2, again).get("oid").asText());
        }
    }

    /**
     * Keycloak keeps temporary lockouts in its distributed {@code loginFailures} cache (two
     * owners): a lockout counted on one node holds on the other, and through a restart of
     * either node while the other one lives. Runs after the kill above: node 1 comes back first.
     */
    @Test
    @Order(8)
    public void aLockoutCountedOnOneNodeHoldsOnTheOtherAndThroughARestartOfEither() throws Exception {
        node1.restart();
        RealmResource eam = admin2.realm("eam");
        RealmRepresentation settings = eam.toRepresentation();
        // The realm's lockout (60 s after 5 failures) would end during a node restart; make it outlast them.
        settings.setWaitIncrementSeconds(900);
        settings.setMaxFailureWaitSeconds(900);
        eam.update(settings);

        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(node2, oid);
        try (Browser browser = new Browser(node2.base())) {
            Browser.Page page = browser.post(authEndpoint(node2), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            for (int i = 0; i < 5; i++) {
                page = browser.submit(page, page.form("#kc-otp-login-form"), Map.of("otp", phone.wrongCode()));
                assertNull(page.formPostTo(TestEntra.REDIRECT_URI), "no answer to Entra on a wrong code");
            }
        }
        String userId = eam.users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
        assertEquals(Boolean.TRUE, eam.attackDetection().bruteForceUserStatus(userId).get("disabled"), "locked out on node 2");

        // Node 1 (restarted after its crash) refuses the person at once, even with the right code.
        assertLockedOut(node1, oid);
        // Node 2, where the failures were counted, restarts while node 1 lives: the lockout survives.
        node2.restart();
        assertLockedOut(node2, oid);
        try (Keycloak fresh = admin(node1)) {
            assertEquals(Boolean.TRUE, fresh.realm("eam").attackDetection().bruteForceUserStatus(userId).get("disabled"),
                    "node 1 reports the lockout after node 2's restart");
        }
    }

    /** Entra's next request for the person gets access_denied (user_temporarily_disabled), and no code is asked. */
    private void assertLockedOut(TwoNodeCluster.Node node, String oid) throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = new Browser(node.base())) {
            Browser.Page page = browser.post(authEndpoint(node), request);
            Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, "refused in protocol form on " + node.base() + ":\n" + page.body());
            assertEquals("access_denied", posted.get("error"));
            assertFalse(posted.containsKey("id_token"));
            assertNull(page.doc().selectFirst("#kc-otp-login-form"), "no code is even asked");
        }
        try (Keycloak admin = admin(node)) {
            EventRepresentation refused = eventFor(admin, "LOGIN_ERROR", request.get("client-request-id"));
            assertEquals("user_temporarily_disabled", refused.getError());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Keycloak admin(TwoNodeCluster.Node node) {
        return KeycloakBuilder.builder().serverUrl(node.base()).realm("master").clientId("admin-cli")
                .username(TwoNodeCluster.ADMIN_USER).password(cluster.adminPassword()).build();
    }

    private static String authEndpoint(TwoNodeCluster.Node node) {
        return node.base() + "/realms/eam/protocol/openid-connect/auth";
    }

    /** The next step of the flow goes to {@code node} instead of the node that rendered the page. */
    private static void moveFormTo(Element form, TwoNodeCluster.Node node) {
        String action = form.absUrl("action");
        assertTrue(action.startsWith(BOTH_NODES), "the form posts back to a node: " + action);
        form.attr("action", node.base() + action.substring(node.base().length()));
    }

    /** First-use enrollment of a new person entirely on {@code node}; returns their authenticator app. */
    private TotpDevice enroll(TwoNodeCluster.Node node, String oid) throws Exception {
        try (Browser browser = new Browser(node.base())) {
            Browser.Page setup = browser.post(authEndpoint(node), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            assertNotNull(answer.formPostTo(TestEntra.REDIRECT_URI), "enrollment ends with a post to Entra:\n" + answer.body());
            assertNotNull(answer.formPostTo(TestEntra.REDIRECT_URI).get("id_token"), "enrollment ends with a token");
            return phone;
        }
    }

    /**
     * The id_token posted to Entra. Its issuer is the URL Entra's request used ({@code requestedAt}),
     * whichever node finished the flow; its signature verifies with the realm keys node 2 publishes
     * (one key set for the cluster, in the database).
     */
    private static JsonNode mfaIdToken(Browser.Page answer, TwoNodeCluster.Node requestedAt, Map<String, String> request) throws Exception {
        Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "a form POST to Entra's redirect_uri:\n" + answer.body());
        assertNotNull(posted.get("id_token"), "an id_token, not " + posted);
        assertEquals(request.get("state"), posted.get("state"));
        JsonNode token = RealmTokens.verifiedClaims(node2.base(), "eam", posted.get("id_token"));
        assertEquals(requestedAt.base() + "/realms/eam", token.get("iss").asText(), "the issuer Entra's request addressed");
        assertEquals(request.get("nonce"), token.get("nonce").asText());
        assertEquals("otp", token.get("amr").get(0).asText());
        return token;
    }

    private void assertRefusedOn(TwoNodeCluster.Node node, String hint, String error) throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(hint);
        try (Browser browser = new Browser(node.base())) {
            Map<String, String> posted = browser.post(authEndpoint(node), request).formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, "POCLAB posts back to Entra's redirect_uri");
            assertEquals("access_denied", posted.get("error"));
            assertFalse(posted.containsKey("id_token"));
        }
        Keycloak admin = node == node1 ? admin1 : admin2;
        assertEquals(error, eventFor(admin, "LOGIN_ERROR", request.get("client-request-id")).getError());
    }

    private static EventRepresentation eventFor(Keycloak admin, String type, String clientRequestId) {
        return admin.realm("eam").getEvents(List.of(type), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && clientRequestId.equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " event for client-request-id " + clientRequestId));
    }

    /** The value of the Prometheus series matching {@code series} on the node's management port (0 when absent). */
    private static double metric(TwoNodeCluster.Node node, String series) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(node.managementBase() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "metrics on the management port");
        Matcher value = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(response.body());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}
