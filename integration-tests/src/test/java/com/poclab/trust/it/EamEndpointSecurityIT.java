package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 7, EAM authorization endpoint: hostile requests a browser can carry to realm eam
 * (oversized hint, repeated parameters, markup in nonce and state, broken claims, GET).
 * Each ends in Entra's protocol answer or Keycloak's error page, an event that says why,
 * no id_token and no person created.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EamEndpointSecurityIT {

    private static final String TENANT = TestEntra.newGuid();
    /** Markup that would run if a page reflected it unescaped. */
    private static final String STATE_MARKUP = "\"'><script>alert('state')</script><img src=x onerror=alert(1)>";
    private static final String NONCE_MARKUP = "</script><script>alert('nonce')</script><svg onload=alert(2)>";
    /** quarkus.http.limits.max-form-attribute-size in Keycloak's distribution. */
    private static final int FORM_ATTRIBUTE_LIMIT = 128 * 1024;
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

    // ---- size -----------------------------------------------------------------------------

    /** Keycloak keeps no unknown parameter over add-req-params-max-size (8 KB): the hint is named too large, not missing. */
    @Test
    public void aHundredKilobyteHintPostedOverHttpIsRefusedAsTooLargeInProtocolForm() throws Exception {
        String oid = TestEntra.newGuid();
        String hint = entra.hint(TENANT, oid).claim("xms_pad", TestEntra.randomBase64(76 * 1024)).build();
        assertTrue(hint.length() > 100 * 1024 && hint.length() < FORM_ATTRIBUTE_LIMIT, "hint size " + hint.length());
        Map<String, String> request = PoclabEam.entraRequest(hint);
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), request);
            assertTrue(page.status() < 500, "no server error: " + page.status());
            EventRepresentation event = assertAccessDenied(page, request, "eam_hint_malformed");
            assertTrue(event.getDetails().get("reason").contains("larger than any Entra hint"), event.getDetails().toString());
        }
        assertNoPerson(oid);
    }

    /**
     * Over Keycloak's HTTP form attribute limit ({@code quarkus.http.limits.max-form-attribute-size},
     * 128 KB in Keycloak's distribution) the request is refused by the HTTP layer before
     * Keycloak reads it: 413, nothing in protocol form, nothing stored, no event (no realm knows of it).
     */
    @Test
    public void aHintOverTheHttpFormLimitIsRefusedWith413BeforeKeycloakReadsIt() throws Exception {
        String oid = TestEntra.newGuid();
        String hint = entra.hint(TENANT, oid).claim("xms_pad", TestEntra.randomBase64(110 * 1024)).build();
        assertTrue(hint.length() > FORM_ATTRIBUTE_LIMIT, "hint size " + hint.length());
        Map<String, String> request = PoclabEam.entraRequest(hint);
        Set<String> before = eventIds();
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), request);
            assertEquals(413, page.status(), page.body());
            assertNull(page.formPostTo(TestEntra.REDIRECT_URI));
            assertFalse(page.body().contains("id_token"));
        }
        assertNoPerson(oid);
        assertTrue(eam.admin().getEvents(null, null, null, null, null, null, 0, 1000).stream()
                .noneMatch(e -> !before.contains(e.getId()) && e.getDetails() != null
                        && request.get("client-request-id").equals(e.getDetails().get("client_request_id"))), "the request never reached the flow");
    }

    // ---- repeated parameters --------------------------------------------------------------------

    @ParameterizedTest(name = "Entra's request with {0} twice -> invalid_request posted to Entra, no token")
    @ValueSource(strings = {"id_token_hint", "state", "nonce", "claims"})
    public void aRepeatedParameterIsRefusedInProtocolForm(String repeated) throws Exception {
        String oid = TestEntra.newGuid();
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        Map<String, String> second = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        List<String[]> fields = fields(request);
        fields.add(new String[] {repeated, second.get(repeated)});
        Set<String> before = eventIds();
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), fields, Map.of());
            Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, "an answer in protocol form at Entra's redirect_uri:\n" + page.body());
            assertEquals("invalid_request", posted.get("error"), posted.toString());
            assertFalse(posted.containsKey("id_token"));
        }
        EventRepresentation event = onlyNewEvent(before);
        assertEquals("LOGIN_ERROR", event.getType());
        assertEquals("invalid_request", event.getError());
        assertNoPerson(oid);
    }

    @Test
    public void aRepeatedRedirectUriNeverPostsAnywhereElse() throws Exception {
        String evil = "https://evil.example/common/federation/externalauthprovider";
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());

        // Entra's first: the answer goes to Entra's registered URI, never to the second.
        List<String[]> entraFirst = fields(request);
        entraFirst.add(new String[] {"redirect_uri", evil});
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), entraFirst, Map.of());
            assertEquals("invalid_request", page.formPostTo(TestEntra.REDIRECT_URI).get("error"));
            assertNull(page.formPostTo(evil));
        }

        // The other URI first: Keycloak's error page, no post at all.
        List<String[]> evilFirst = new ArrayList<>();
        for (String[] field : fields(request)) {
            if (field[0].equals("redirect_uri")) {
                evilFirst.add(new String[] {"redirect_uri", evil});
            }
            evilFirst.add(field);
        }
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), evilFirst, Map.of());
            assertEquals(400, page.status());
            assertNull(page.location());
            assertTrue(page.doc().select("form[method=post]").stream().noneMatch(f -> f.attr("action").startsWith("https://")),
                    "no form posting away:\n" + page.body());
        }
    }

    @Test
    public void aRepeatedClientIdGetsAnErrorPageAndAnEventWithTheReason() throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        List<String[]> fields = fields(request);
        fields.add(new String[] {"client_id", "account"});
        Set<String> before = eventIds();
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), fields, Map.of());
            assertEquals(400, page.status());
            assertNull(page.formPostTo(TestEntra.REDIRECT_URI), "no answer to anyone's redirect_uri");
            assertFalse(page.body().contains("id_token"));
        }
        EventRepresentation event = onlyNewEvent(before);
        assertEquals("invalid_request", event.getError());
        assertTrue(event.getDetails().get("reason").contains("client_id"), event.getDetails().toString());
    }

    // ---- markup in nonce and state --------------------------------------------------------------

    @Test
    public void markupInNonceAndStateComesBackEscapedWithTheToken() throws Exception {
        String oid = TestEntra.newGuid();
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        request.put("state", STATE_MARKUP);
        request.put("nonce", NONCE_MARKUP);
        try (RawBrowser browser = browser()) {
            RawBrowser.Page setup = browser.post(authEndpoint(), request);
            assertInert(setup);
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            RawBrowser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));

            assertInert(answer);
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertEquals(STATE_MARKUP, posted.get("state"), "state returned exactly, as data");
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token"));
            assertEquals(NONCE_MARKUP, token.get("nonce").asText(), "nonce returned exactly, inside the signed token");
        }
    }

    @Test
    public void markupInStateComesBackEscapedWithAccessDenied() throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).header("alg", "none").build());
        request.put("state", STATE_MARKUP);
        request.put("nonce", NONCE_MARKUP);
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), request);
            assertInert(page);
            assertAccessDenied(page, request, "eam_hint_algorithm");
        }
    }

    // ---- claims -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "claims {0} -> access_denied, eam_claims_invalid")
    @ValueSource(strings = {
        "not json {",
        "[\"acr\"]",
        "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"possessionorinherence\"]},\"amr\":{\"essential\":true,\"values\":[]}}}",
        "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[]},\"amr\":{\"essential\":true,\"values\":[\"otp\"]}}}"})
    public void aClaimsRequestThatIsNotJsonOrListsNoValueIsRefused(String claims) throws Exception {
        String oid = TestEntra.newGuid();
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, oid).build());
        request.put("claims", claims);
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = browser.post(authEndpoint(), request);
            assertTrue(page.status() < 500, "no server error: " + page.status() + "\n" + page.body());
            assertAccessDenied(page, request, "eam_claims_invalid");
        }
        assertNoPerson(oid);
    }

    // ---- GET ------------------------------------------------------------------------------------

    /**
     * Entra posts; a GET carrying the same request is accepted (SECURITY.md says why): every
     * check applies to it, and it ends exactly like a POST.
     */
    @Test
    public void aGetWithAnOtherwiseValidRequestIsCheckedLikeAPost() throws Exception {
        Map<String, String> request = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).build());
        try (RawBrowser browser = browser()) {
            RawBrowser.Page setup = browser.get(authEndpoint() + "?" + query(request));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            RawBrowser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
            Map<String, String> posted = answer.formPostTo(TestEntra.REDIRECT_URI);
            assertNotNull(posted, answer.body());
            assertEquals(request.get("state"), posted.get("state"));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", posted.get("id_token"));
            assertEquals(request.get("nonce"), token.get("nonce").asText());
            assertEquals("otp", token.get("amr").get(0).asText());
        }

        Map<String, String> forged = PoclabEam.entraRequest(entra.hint(TENANT, TestEntra.newGuid()).header("alg", "HS256").build());
        try (RawBrowser browser = browser()) {
            assertAccessDenied(browser.get(authEndpoint() + "?" + query(forged)), forged, "eam_hint_algorithm");
        }
    }

    // ---- the server log ------------------------------------------------------------------------

    @Test
    public void hintsTokensAndTotpSecretsNeverReachTheServerLog() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (ServerLog log = ServerLog.capture()) {
            String hint = entra.hint(TENANT, TestEntra.newGuid()).build();
            try (RawBrowser browser = browser()) {
                RawBrowser.Page setup = browser.post(authEndpoint(), PoclabEam.entraRequest(hint));
                Element form = setup.form("#kc-totp-settings-form");
                String totpSecret = form.selectFirst("input[name=totpSecret]").attr("value");
                TotpDevice phone = new TotpDevice(totpSecret);
                RawBrowser.Page answer = RecoveryCodes.save(browser, browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")));
                String idToken = answer.formPostTo(TestEntra.REDIRECT_URI).get("id_token");
                secrets.addAll(List.of(totpSecret, phone.secret()));
                secrets.addAll(List.of(hint.split("\\.")));
                secrets.addAll(List.of(idToken.split("\\.")));
            }
            String refused = entra.hint(TENANT, TestEntra.newGuid()).header("alg", "none").build();
            Map<String, String> request = PoclabEam.entraRequest(refused);
            try (RawBrowser browser = browser()) {
                assertAccessDenied(browser.post(authEndpoint(), request), request, "eam_hint_algorithm");
            }
            secrets.add(refused.split("\\.")[1]);

            assertTrue(log.awaitLine("eam_hint_algorithm", 15_000),
                    "the server log is captured (the refusal's event is logged): " + log.lines().size() + " lines");
            for (String secret : secrets) {
                assertTrue(log.lines().stream().noneMatch(l -> l.contains(secret)), "a hint, token or TOTP secret part is in the server log");
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private RawBrowser browser() {
        return new RawBrowser(urls.getBase());
    }

    private String authEndpoint() {
        return urls.getBase() + "/realms/eam/protocol/openid-connect/auth";
    }

    /** No markup of the request became markup of the page: no script, image or SVG of ours, no raw payload. */
    private static void assertInert(RawBrowser.Page page) {
        assertFalse(page.body().contains("<script>alert("), "raw script in page:\n" + page.body());
        assertFalse(page.body().contains("<img src=x"), "raw markup in page:\n" + page.body());
        assertFalse(page.body().contains("<svg onload"), "raw markup in page:\n" + page.body());
        assertTrue(page.doc().select("script").stream().noneMatch(s -> s.data().contains("alert(")), "an injected script element");
        assertTrue(page.doc().select("img[src=x], svg[onload]").isEmpty(), "an injected element");
    }

    /** Entra receives error=access_denied with its state, no token; the event says why. */
    private EventRepresentation assertAccessDenied(RawBrowser.Page page, Map<String, String> request, String error) {
        Map<String, String> posted = page.formPostTo(TestEntra.REDIRECT_URI);
        assertNotNull(posted, "POCLAB posts back to Entra's redirect_uri:\n" + page.body());
        assertEquals("access_denied", posted.get("error"));
        assertEquals(request.get("state"), posted.get("state"));
        assertFalse(posted.containsKey("id_token"));
        EventRepresentation event = eam.admin().getEvents(List.of("LOGIN_ERROR"), null, null, null, null, null, 0, 500).stream()
                .filter(e -> e.getDetails() != null && request.get("client-request-id").equals(e.getDetails().get("client_request_id")))
                .findFirst().orElseThrow(() -> new AssertionError("no LOGIN_ERROR for client-request-id " + request.get("client-request-id")));
        assertEquals(error, event.getError());
        assertNotNull(event.getDetails().get("reason"), "event reason");
        return event;
    }

    private void assertNoPerson(String oid) {
        assertTrue(eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).isEmpty(), "no person was created");
    }

    private Set<String> eventIds() {
        return eam.admin().getEvents(null, null, null, null, null, null, 0, 1000).stream().map(EventRepresentation::getId)
                .collect(Collectors.toSet());
    }

    private EventRepresentation onlyNewEvent(Set<String> before) {
        List<EventRepresentation> fresh = eam.admin().getEvents(null, null, null, null, null, null, 0, 1000).stream()
                .filter(e -> !before.contains(e.getId())).toList();
        assertEquals(1, fresh.size(), "exactly one new event: " + fresh.stream().map(e -> e.getType() + "/" + e.getError()).toList());
        return fresh.get(0);
    }

    private static List<String[]> fields(Map<String, String> request) {
        List<String[]> fields = new ArrayList<>();
        request.forEach((k, v) -> fields.add(new String[] {k, v}));
        return fields;
    }

    private static String query(Map<String, String> request) {
        Map<String, String> ordered = new LinkedHashMap<>(request);
        return ordered.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
