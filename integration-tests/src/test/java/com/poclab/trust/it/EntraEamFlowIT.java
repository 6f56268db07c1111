package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Realm eam as Entra ID experiences it (../shared/docs/entra-eam.md): a test Entra posts
 * real-shaped requests and reads what POCLAB posts back to its redirect_uri.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EntraEamFlowIT {

    private static final String TENANT = TestEntra.newGuid();
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @BeforeAll
    static void startEntra() throws Exception {
        entra = new TestEntra();
    }

    @AfterAll
    static void stopEntra() {
        entra.close();
    }

    @BeforeEach
    void configureRealmForThisEntra() {
        PoclabEam.trust(eam.admin(), entra, TENANT);
    }

    // ---- the happy path ----------------------------------------------------------------

    @Test
    public void aNewPersonEnrollsTotpThenEntraReceivesTheMfaIdToken() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser browser = browser()) {
            Browser.Page setup = browser.post(authEndpoint(), request);
            Element setupForm = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(setupForm.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, setupForm, Map.of("totp", phone.nextCode(), "userLabel", "phone")));

            assertMfaIdToken(answer, request, hint);
        }
        EventRepresentation login = eventFor("LOGIN", request.get("client-request-id"));
        assertEquals(oid, login.getDetails().get("oid"), "the enrollment's LOGIN event names the Entra user");
        assertEquals(TENANT, login.getDetails().get("tid"));
    }

    @Test
    public void anEnrolledPersonPassesWithTotpAndTheTokenFollowsEveryRuleOfTheContract() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(oid);

        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        Map<String, String> request = PoclabEam.entraRequest(hint.build());
        try (Browser browser = browser()) {
            Browser.Page otpPage = browser.post(authEndpoint(), request);
            Browser.Page answer = browser.submit(otpPage, otpPage.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            assertMfaIdToken(answer, request, hint);
        }
        EventRepresentation login = eventFor("LOGIN", request.get("client-request-id"));
        assertEquals(TENANT, login.getDetails().get("tid"));
        assertEquals(oid, login.getDetails().get("oid"));
        assertEquals("otp", login.getDetails().get("poclab_factor"));
        List<UserRepresentation> people = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid);
        assertEquals(1, people.size(), "one POCLAB person per tid+oid");
        assertEquals(List.of(), eam.admin().users().get(people.get(0).getId()).getUserSessions(),
                "an EAM verification leaves no user session behind (transient)");
    }

    @Test
    public void twoPeopleOneAfterTheOtherOnASharedBrowserAreEachVerified() throws Exception {
        try (Browser shared = browser()) {
            for (int person = 0; person < 2; person++) {
                TestEntra.HintBuilder hint = entra.hint(TENANT, TestEntra.newGuid());
                Map<String, String> request = PoclabEam.entraRequest(hint.build());
                Browser.Page setup = shared.post(authEndpoint(), request);
                Element form = setup.form("#kc-totp-settings-form");
                TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
                assertMfaIdToken(RecoveryCodes.save(shared, shared.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone"))), request, hint);
            }
        }
    }

    @Test
    public void anEightKilobyteHintReachesPoclabWhole() throws Exception {
        TestEntra.HintBuilder hint = entra.hint(TENANT, TestEntra.newGuid()).claim("xms_pad", TestEntra.randomBase64(4800));
        String raw = hint.build();
        assertTrue(raw.length() > 7500 && raw.length() <= 8192, "hint size " + raw.length());
        try (Browser browser = browser()) {
            Browser.Page page = browser.post(authEndpoint(), PoclabEam.entraRequest(raw));
            page.form("#kc-totp-settings-form");
        }
    }

    // ---- enrollment policy -------------------------------------------------------------

    @Test
    public void aPreProvisionedOnlyRealmRefusesAStranger() throws Exception {
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "pre-provisioned"));
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        try (Browser browser = browser()) {
            assertAccessDenied(browser.post(authEndpoint(), request), request, "eam_user_not_provisioned");
        }
    }

    @Test
    public void aPreProvisionedPersonDeclaredByUpnIsPinnedToTheirOid() throws Exception {
        PoclabEam.configure(eam.admin(), Map.of("enrollment.policy", "pre-provisioned"));
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        UserRepresentation declared = new UserRepresentation();
        declared.setUsername(String.valueOf(hint.claimValue("upn")));
        declared.setEnabled(true);
        eam.admin().users().create(declared).close();

        try (Browser browser = browser()) {
            browser.post(authEndpoint(), PoclabEam.entraRequest(hint.build())).form("#kc-totp-settings-form");
        }
        UserRepresentation pinned = eam.admin().users().search(declared.getUsername(), true).get(0);
        assertEquals(List.of(oid), pinned.getAttributes().get("entra_oid"));

        // The same UPN under another oid (a recycled UPN) does not inherit the person.
        Map<String, String> recycled = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid())
                .claim("upn", declared.getUsername()).claim("preferred_username", declared.getUsername()).build());
        try (Browser browser = browser()) {
            assertAccessDenied(browser.post(authEndpoint(), recycled), recycled, "eam_user_not_provisioned");
        }
    }

    // ---- hostile and broken requests -----------------------------------------------------

    static Stream<Arguments> refusedHints() {
        String otherTenant = TestEntra.newGuid();
        return Stream.of(
                Arguments.of("no hint", (UnaryOperator<String>) h -> null, "eam_hint_missing"),
                Arguments.of("not a JWT", (UnaryOperator<String>) h -> "not-a-jwt", "eam_hint_malformed"),
                Arguments.of("truncated", (UnaryOperator<String>) h -> h.substring(0, h.length() / 2), "eam_hint_malformed"),
                Arguments.of("doubled", (UnaryOperator<String>) h -> h + "." + h, "eam_hint_malformed"),
                Arguments.of("non-base64", (UnaryOperator<String>) h -> "%%%." + h.substring(4), "eam_hint_malformed"));
    }

    @ParameterizedTest(name = "Entra posts a hint that is {0} -> access_denied")
    @MethodSource("refusedHints")
    public void aBrokenHintEndsTheFlowWithAccessDenied(String what, UnaryOperator<String> breakIt, String error) throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(breakIt.apply(entra.hint(TENANT, TestEntra.newGuid()).build()));
        if (request.get("id_token_hint") == null) {
            request.remove("id_token_hint");
        }
        try (Browser browser = browser()) {
            assertAccessDenied(browser.post(authEndpoint(), request), request, error);
        }
    }

    @Test
    public void algNoneIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).header("alg", "none").build(), "eam_hint_algorithm");
    }

    @Test
    public void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).header("alg", "HS256").build(), "eam_hint_algorithm");
    }

    @Test
    public void aKeyEntraDoesNotPublishIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).signedBy(TestEntra.unpublishedKey("not-entras-kid")).build(),
                "eam_hint_unknown_key");
    }

    @Test
    public void theRightKidWithAnotherModulusIsRefused() throws Exception {
        TestEntra.SigningKey forged = TestEntra.unpublishedKey(entra.currentKey().kid());
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).signedBy(forged).build(), "eam_hint_bad_signature");
    }

    @Test
    public void headersPointingToOtherKeysAreIgnored() throws Exception {
        TestEntra.SigningKey attacker = TestEntra.unpublishedKey("attacker");
        String hint = entra.hint(TENANT, TestEntra.newGuid()).signedBy(attacker)
                .header("jku", "http://127.0.0.1:1/keys").header("x5u", "http://127.0.0.1:1/cert").build();
        assertRefused(hint, "eam_hint_unknown_key");
    }

    @Test
    public void aTenantNotOnTheAllowListIsRefused() throws Exception {
        String other = TestEntra.newGuid();
        assertRefused(entra.hint(other, TestEntra.newGuid()).build(), "eam_hint_tenant_not_allowed");
    }

    @Test
    public void aTidThatDoesNotMatchTheIssuerIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).claim("tid", TestEntra.newGuid()).build(), "eam_hint_tenant_mismatch");
    }

    @Test
    public void aV1OrForeignIssuerIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).claim("iss", "https://sts.windows.net/" + TENANT + "/").build(),
                "eam_hint_issuer");
    }

    @Test
    public void aHintForAnotherAppIdIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).claim("aud", TestEntra.newGuid()).build(), "eam_hint_audience");
    }

    @Test
    public void aConfiguredAppIdIsTheOnlyAcceptedAudience() throws Exception {
        String appId = TestEntra.newGuid();
        PoclabEam.configure(eam.admin(), Map.of("entra.app-id", appId));
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).build(), "eam_hint_audience");
        try (Browser browser = browser()) {
            browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).claim("aud", appId).build()))
                    .form("#kc-totp-settings-form");
        }
    }

    @Test
    public void aStaleHintIsRefusedButAnExpiredFreshOneIsAccepted() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).issuedSecondsAgo(20 * 60).build(), "eam_hint_stale");
        TestEntra.HintBuilder fresh = entra.hint(TENANT, TestEntra.newGuid());
        assertTrue(((Number) fresh.claimValue("exp")).longValue() < System.currentTimeMillis() / 1000, "Entra's hint is already expired");
        try (Browser browser = browser()) {
            browser.post(authEndpoint(), PoclabEam.entraRequest(fresh.build())).form("#kc-totp-settings-form");
        }
    }

    @Test
    public void aHintIssuedInTheFutureIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).issuedSecondsAgo(-600).build(), "eam_hint_not_yet_valid");
    }

    @Test
    public void aHintWithoutOidIsRefused() throws Exception {
        assertRefused(entra.hint(TENANT, TestEntra.newGuid()).claim("oid", null).build(), "eam_hint_claims");
    }

    @Test
    public void aReplayedHintIsRefusedOnItsSecondUse() throws Exception {
        String hint = entra.hint(TENANT, TestEntra.newGuid()).build();
        try (Browser first = browser()) {
            first.post(authEndpoint(), PoclabEam.entraRequest(hint)).form("#kc-totp-settings-form");
        }
        assertRefused(hint, "eam_hint_replayed");
    }

    @Test
    public void aReplayedNonceAndClientRequestIdIsRefused() throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        try (Browser first = browser()) {
            first.post(authEndpoint(), request).form("#kc-totp-settings-form");
        }
        Map<String, String> again = new java.util.LinkedHashMap<>(request);
        again.put("id_token_hint", entra.hint(TENANT, TestEntra.newGuid()).build());
        try (Browser second = browser()) {
            assertAccessDenied(second.post(authEndpoint(), again), again, "eam_hint_replayed");
        }
    }

    @Test
    public void aClaimsRequestForAnAcrPoclabCannotMeetIsRefused() throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        request.put("claims", "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"knowledge\"]}}}");
        try (Browser browser = browser()) {
            assertAccessDenied(browser.post(authEndpoint(), request), request, "eam_claims_unsatisfiable");
        }
    }

    @ParameterizedTest(name = "redirect_uri {0} never receives a post")
    @ValueSource(strings = {
        "https://login.microsoftonline.com/common/federation/externalauthprovider/",
        "http://login.microsoftonline.com/common/federation/externalauthprovider",
        "https://LOGIN.microsoftonline.com/common/federation/externalauthprovider",
        "https://login.microsoftonline.com/common/federation/ExternalAuthProvider",
        "https://login.microsoftonline.com@evil.example/common/federation/externalauthprovider",
        "https://evil.example/common/federation/externalauthprovider",
        "https://login.microsoftonline.com/common/federation/externalauthprovider%2F..%2Fevil"})
    public void aRedirectUriThatIsNotExactlyEntrasGetsAnErrorPage(String redirectUri) throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        request.put("redirect_uri", redirectUri);
        try (Browser browser = browser()) {
            Browser.Page page = browser.post(authEndpoint(), request);
            assertEquals(400, page.status());
            assertNull(page.location(), "no redirect");
            assertTrue(page.doc().select("form[action^=http]").stream().noneMatch(f -> !f.attr("action").startsWith(urls.getBase())),
                    "no form posting away from POCLAB");
            assertFalse(page.body().contains("id_token"));
        }
    }

    @Test
    public void anUnknownClientIdGetsAnErrorPage() throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        request.put("client_id", "not-a-client");
        try (Browser browser = browser()) {
            Browser.Page page = browser.post(authEndpoint(), request);
            assertEquals(400, page.status());
            assertNull(page.formPostTo(TestEntra.REDIRECT_URI));
        }
    }

    @Test
    public void aBareGetOfTheAuthorizationEndpointIsNoServerError() throws Exception {
        try (Browser browser = browser()) {
            assertTrue(browser.get(authEndpoint()).status() < 500);
        }
    }

    // ---- factor, lockout, cancel, keys ----------------------------------------------------

    @Test
    public void fiveWrongOtpsLockThePersonOut() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enroll(oid);
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = browser()) {
            Browser.Page page = browser.post(authEndpoint(), request);
            for (int i = 0; i < 5; i++) {
                page = browser.submit(page, page.form("#kc-otp-login-form"), Map.of("otp", phone.wrongCode()));
            }
            Browser.Page afterLockout = browser.submit(page, page.form("#kc-otp-login-form"), Map.of("otp", phone.nextCode()));
            assertNull(afterLockout.formPostTo(TestEntra.REDIRECT_URI), "no token once locked out");
        }
        String userId = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
        Map<String, Object> status = eam.admin().attackDetection().bruteForceUserStatus(userId);
        assertEquals(Boolean.TRUE, status.get("disabled"), "brute-force status " + status);

        // Locked out: Entra's next request for this person is refused at once.
        Map<String, String> next = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = browser()) {
            assertAccessDenied(browser.post(authEndpoint(), next), next, "user_temporarily_disabled");
        }
        eam.admin().attackDetection().clearBruteForceForUser(userId);
    }

    @Test
    public void aPersonWhoCancelsReturnsToEntraWithAccessDenied() throws Exception {
        String oid = TestEntra.newGuid();
        enroll(oid);
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        try (Browser browser = browser()) {
            Browser.Page otpPage = browser.post(authEndpoint(), request);
            URI action = URI.create(otpPage.form("#kc-otp-login-form").absUrl("action"));
            Map<String, String> query = query(action);
            Browser.Page answer = browser.post(urls.getBase() + "/realms/eam/poclab/cancel?client_id=" + query.get("client_id")
                    + "&tab_id=" + query.get("tab_id"), Map.of());
            assertAccessDenied(answer, request, "poclab_cancelled");
        }
    }

    @Test
    public void aNewEntraSigningKeyIsPickedUpWithoutRestartAndKeysAreFetchedOncePerKey() throws Exception {
        try (Browser browser = browser()) {
            browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build())).form("#kc-totp-settings-form");
        }
        int fetchesBefore = entra.jwksFetches();
        for (int i = 0; i < 3; i++) {
            try (Browser browser = browser()) {
                browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build())).form("#kc-totp-settings-form");
            }
        }
        assertEquals(fetchesBefore, entra.jwksFetches(), "cached keys: no fetch per hint");

        entra.rotate();
        // Keycloak refetches for an unknown kid at most every min-time-between-requests (10 s).
        Thread.sleep(11_000);
        try (Browser browser = browser()) {
            browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build())).form("#kc-totp-settings-form");
        }
        assertEquals(fetchesBefore + 1, entra.jwksFetches(), "one fetch for the new key");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Browser browser() {
        return new Browser(urls.getBase());
    }

    private String authEndpoint() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    /** First-use enrollment of a new person; returns their authenticator app. */
    private TotpDevice enroll(String oid) throws Exception {
        try (Browser browser = browser()) {
            Browser.Page setup = browser.post(authEndpoint(), PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            assertNotNull(answer.formPostTo(TestEntra.REDIRECT_URI).get("id_token"), "enrollment ends with a token");
            return phone;
        }
    }

    private void assertRefused(String hint, String error) throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(hint);
        try (Browser browser = browser()) {
            assertAccessDenied(browser.post(authEndpoint(), request), request, error);
        }
    }

    /** Entra receives error=access_denied with its state, no token; the event log says why. */
    private void assertAccessDenied(Browser.Page page, Map<String, String> request, String eventError) {
        Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "POCLAB posts back to Entra's redirect_uri:\n" + page.body());
        assertEquals("access_denied", posted.get("error"));
        assertEquals(request.get("state"), posted.get("state"));
        assertFalse(posted.containsKey("id_token"));
        EventRepresentation event = loginErrorFor(request.get("client-request-id"));
        assertEquals(eventError, event.getError());
        assertNotNull(event.getDetails().get("reason"), "event reason");
    }

    private EventRepresentation loginErrorFor(String clientRequestId) {
        return eventFor("LOGIN_ERROR", clientRequestId);
    }

    private EventRepresentation eventFor(String type, String clientRequestId) {
        return eam.admin().getEvents(List.of(type), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && clientRequestId.equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " event for client-request-id " + clientRequestId));
    }

    private void assertMfaIdToken(Browser.Page answer, Map<String, String> request, TestEntra.HintBuilder hint) throws Exception {
        Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "an auto-submitted form POST to Entra's redirect_uri:\n" + answer.body());
        assertTrue(answer.body().toLowerCase().contains("submit()"), "the form submits itself");
        assertEquals(Map.of("id_token", posted.get("id_token"), "state", request.get("state")), posted, "exactly id_token and state");

        JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token"));
        JsonNode discovery = RealmTokens.discovery(urls.getBase(), "eam");
        assertEquals(discovery.get("issuer").asText(), token.get("iss").asText());
        assertEquals(PoclabEam.CLIENT_ID, token.get("aud").isArray() ? token.get("aud").get(0).asText() : token.get("aud").asText());
        assertEquals(hint.claimValue("sub"), token.get("sub").asText());
        assertEquals(request.get("nonce"), token.get("nonce").asText());
        assertTrue(token.get("acr").isTextual());
        assertEquals("possessionorinherence", token.get("acr").asText());
        assertTrue(token.get("amr").isArray());
        assertEquals(1, token.get("amr").size(), "exactly one amr value");
        assertEquals("otp", token.get("amr").get(0).asText());
        assertEquals(hint.claimValue("tid"), token.get("tid").asText());
        assertEquals(hint.claimValue("oid"), token.get("oid").asText());
        assertEquals(hint.claimValue("preferred_username"), token.get("preferred_username").asText());
        long now = System.currentTimeMillis() / 1000;
        assertTrue(token.get("iat").asLong() <= now + 5 && token.get("exp").asLong() > now && token.get("exp").asLong() <= now + 600);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new java.util.HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return values;
    }
}
