package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.poclab.trust.it.PersonBrowser.Page;
import com.poclab.trust.it.TestOkta.Authorization;
import com.poclab.trust.it.TestOkta.ClientAuth;
import com.poclab.trust.it.TestOkta.Reply;
import com.poclab.trust.okta.OktaConstants;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.models.utils.TimeBasedOTP;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 4: Okta uses realm {@code okta} as an OIDC IdP authenticator (docs/okta.md). A test
 * Okta sends the person's browser to the authorization endpoint, the person identifies
 * and passes the POCLAB factor (TOTP), and Okta redeems the code and checks the ID token.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class OktaFlowIT {

    static final String ORG = "https://acme.okta.com";
    static final String CALLBACK = ORG + "/oauth2/v1/authorize/callback";

    /** Realm OTP policy of okta-realm.json. */
    private static final int OTP_DIGITS = 6;
    private static final int OTP_PERIOD = 30;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    private OktaIntegrationAdmin integration;
    private TestOkta testOkta;
    private final List<PersonBrowser> browsers = new ArrayList<>();

    /** A person pre-provisioned by an admin; the TOTP secret is what their authenticator app holds. */
    static final class Person {
        final String id;
        final String username;
        final String email;
        String totpSecret;

        Person(String id, String username, String email) {
            this.id = id;
            this.username = username;
            this.email = email;
        }
    }

    @BeforeEach
    void adminConnectsOktaOrg() {
        integration = new OktaIntegrationAdmin(realm());
        integration.configureOrg(ORG, null);
        testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID, integration.secret(), CALLBACK);
    }

    @AfterEach
    void closeBrowsers() throws IOException {
        for (PersonBrowser b : browsers) {
            b.close();
        }
        testOkta.close();
    }

    static Stream<Arguments> oktaVariants() {
        List<Arguments> variants = new ArrayList<>();
        for (ClientAuth auth : ClientAuth.values()) {
            for (boolean pkce : new boolean[] {true, false}) {
                for (boolean loginHint : new boolean[] {true, false}) {
                    variants.add(Arguments.of(auth, pkce, loginHint));
                }
            }
        }
        return variants.stream();
    }

    @ParameterizedTest(name = "Okta authenticates with {0}, PKCE {1}, login_hint {2} -> verified ID token, same sub next time")
    @MethodSource("oktaVariants")
    void oktaCompletesTheFlowAndValidatesTheTokens(ClientAuth auth, boolean pkce, boolean loginHint) {
        Person person = provision(("p-" + auth + "-" + pkce + "-" + loginHint).toLowerCase(Locale.ROOT).replace('_', '-'));

        // First sign-in: the person enrolls TOTP (Keycloak's setup page) and Okta gets its tokens.
        Authorization first = testOkta.authorize(loginHint ? person.username : null, pkce);
        Map<String, String> back = signIn(newBrowser(), first, person);
        JsonNode firstClaims = assertOktaAccepts(back, first, auth, person);

        // A later sign-in (another day, another browser): the OTP form, the same sub.
        Authorization second = testOkta.authorize(loginHint ? person.username : null, pkce);
        JsonNode secondClaims = assertOktaAccepts(signIn(newBrowser(), second, person), second, auth, person);
        assertEquals(firstClaims.get("sub").asText(), secondClaims.get("sub").asText(), "sub is stable for the person");
    }

    @Test
    @DisplayName("Okta sends the same person again in the same browser -> the factor is asked again, no SSO shortcut")
    void everyVerificationAsksTheFactorAgain() {
        Person person = provision("same-browser");
        PersonBrowser browser = newBrowser();
        signIn(browser, testOkta.authorize(person.username, false), person);

        Page page = browser.open(testOkta.authorize(person.username, false).url());
        assertNull(page.redirect(), "no code without verification, even with a Keycloak session in the browser");
        page = browser.submit(page.form("kc-form-login"), Map.of());
        assertTrue(page.hasForm("kc-otp-login-form"), "the OTP is asked again: " + page.text());
    }

    @Test
    @DisplayName("The person cancels on the verification page -> Okta receives error=access_denied with its state")
    void cancelReachesOktaAsAccessDenied() {
        Person person = enrolledPerson("cancel");
        PersonBrowser browser = newBrowser();
        Authorization authz = testOkta.authorize(person.username, false);
        Page otpPage = browser.submit(browser.open(authz.url()).form("kc-form-login"), Map.of());
        Element otpForm = otpPage.form("kc-otp-login-form");

        // The Cancel button posts to /realms/okta/poclab/cancel with the page's client_id and tab_id.
        Map<String, String> actionParams = queryParams(otpForm.absUrl("action"));
        String cancelUrl = urls.getBase() + "/realms/" + PoclabRealms.OKTA + "/poclab/cancel?client_id="
                + actionParams.get("client_id") + "&tab_id=" + actionParams.get("tab_id");
        Page back = browser.post(cancelUrl, Map.of());

        assertTrue(back.redirect().toString().startsWith(CALLBACK + "?"), "back at Okta's callback: " + back.redirect());
        Map<String, String> params = back.redirectParams();
        assertEquals("access_denied", params.get("error"));
        assertEquals(authz.state(), params.get("state"));
        assertNull(params.get("code"));

        EventRepresentation cancelled = loginErrors(person).get(0);
        assertEquals("poclab_cancelled", cancelled.getError());
        assertNotNull(cancelled.getDetails().get("reason"), "the event says why");
    }

    @ParameterizedTest(name = "Okta authenticates with a wrong secret ({0}) -> 401, no token")
    @MethodSource("clientAuths")
    void wrongSecretIsInvalidClient(ClientAuth auth) {
        Person person = enrolledPerson("wrong-secret-" + auth.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        Authorization authz = testOkta.authorize(person.username, false);
        String code = signIn(newBrowser(), authz, person).get("code");

        Reply reply = testOkta.redeem(code, authz.redirectUri(), null, auth, testOkta.clientSecret + "x");
        assertClientAuthenticationFailed(reply);
    }

    /**
     * 401 and a client-authentication error. RFC 6749 section 5.2 names it invalid_client;
     * Keycloak 26.7.3 answers unauthorized_client (keycloak/keycloak#12162, #49625). Either
     * way Okta gets no token.
     */
    private static void assertClientAuthenticationFailed(Reply reply) {
        assertEquals(401, reply.status(), reply.body());
        assertTrue(List.of("invalid_client", "unauthorized_client").contains(reply.field("error")), reply.body());
        assertNull(reply.field("id_token"));
    }

    static Stream<ClientAuth> clientAuths() {
        return Stream.of(ClientAuth.values());
    }

    @Test
    @DisplayName("Okta redeems a code with another redirect_uri -> invalid_grant")
    void wrongRedirectUriAtTokenIsInvalidGrant() {
        Person person = enrolledPerson("wrong-redirect");
        Authorization authz = testOkta.authorize(person.username, false);
        String code = signIn(newBrowser(), authz, person).get("code");

        Reply reply = testOkta.redeem(code, ORG + "/oauth2/v1/authorize/callback2", null, ClientAuth.CLIENT_SECRET_BASIC,
                testOkta.clientSecret);
        assertEquals(400, reply.status(), reply.body());
        assertEquals("invalid_grant", reply.field("error"));
    }

    @Test
    @DisplayName("Okta redeems a reused code -> invalid_grant, and the tokens of the first redemption stop working")
    void reusedCodeIsInvalidGrant() {
        Person person = enrolledPerson("reused-code");
        Authorization authz = testOkta.authorize(person.username, true);
        String code = signIn(newBrowser(), authz, person).get("code");

        Reply first = testOkta.redeem(code, authz, ClientAuth.CLIENT_SECRET_BASIC);
        assertEquals(200, first.status(), first.body());
        assertEquals(200, testOkta.userinfo(first.field("access_token")).status());

        Reply again = testOkta.redeem(code, authz, ClientAuth.CLIENT_SECRET_BASIC);
        assertEquals(400, again.status(), again.body());
        assertEquals("invalid_grant", again.field("error"));
        assertEquals(401, testOkta.userinfo(first.field("access_token")).status(),
                "RFC 6749 section 4.1.2: tokens issued on a reused code are revoked");
    }

    @Test
    @DisplayName("Okta redeems a code issued to another client -> invalid_grant")
    void codeOfAnotherClientIsInvalidGrant() {
        String otherRedirect = "https://intranet.acme.com/callback";
        ClientRepresentation other = new ClientRepresentation();
        other.setClientId("acme-intranet");
        other.setProtocol("openid-connect");
        other.setPublicClient(false);
        other.setSecret("intranet-secret-intranet-secret-0");
        other.setStandardFlowEnabled(true);
        other.setRedirectUris(List.of(otherRedirect));
        other.setAuthenticationFlowBindingOverrides(Map.of("browser", oktaFlowId()));
        String otherId;
        try (Response created = realm().clients().create(other)) {
            otherId = CreatedResponseUtil.getCreatedId(created);
        }
        try {
            Person person = enrolledPerson("other-client");
            TestOkta intranet = new TestOkta(testOkta.issuer(), "acme-intranet", other.getSecret(), otherRedirect);
            Authorization authz = intranet.authorize(person.username, false);
            String code = signIn(newBrowser(), authz, person).get("code");
            closeQuietly(intranet);

            Reply reply = testOkta.redeem(code, CALLBACK, null, ClientAuth.CLIENT_SECRET_BASIC, testOkta.clientSecret);
            assertEquals(400, reply.status(), reply.body());
            assertEquals("invalid_grant", reply.field("error"));
        } finally {
            realm().clients().get(otherId).remove();
        }
    }

    @ParameterizedTest(name = "Okta-like redirect_uri {0}, not derived from the org -> Keycloak error page, no code")
    @ValueSource(strings = {
            "https://evil.okta.com/oauth2/v1/authorize/callback",
            "http://acme.okta.com/oauth2/v1/authorize/callback",
            "https://acme.okta.com/oauth2/v1/authorize/callback/",
            "https://acme.okta.com/oauth2/v1/authorize/other",
            "https://acme.okta.com.evil.com/oauth2/v1/authorize/callback",
            "https://acme.okta.com:8443/oauth2/v1/authorize/callback"})
    void redirectUriNotDerivedFromTheOrgNeverReceivesACode(String redirectUri) {
        PersonBrowser browser = newBrowser();
        Page page = browser.open(testOkta.authorize(redirectUri, "someone@acme.com", false).url());

        assertNull(page.redirect(), "no redirect at all, let alone one carrying a code");
        assertEquals(400, page.status());
        assertTrue(page.text().contains("redirect_uri"), page.text());
        assertFalse(page.hasForm("kc-form-login"), "the person is not even asked who they are");
    }

    @Test
    @DisplayName("The admin regenerates the secret -> the old secret is refused at once, the new one works")
    void regeneratedSecretInvalidatesTheOldOneAtOnce() {
        Person person = enrolledPerson("regenerate");
        Authorization authz = testOkta.authorize(person.username, false);
        String code = signIn(newBrowser(), authz, person).get("code");

        String oldSecret = testOkta.clientSecret;
        String newSecret = integration.regenerateSecret();
        assertNotEquals(oldSecret, newSecret);
        assertTrue(newSecret.length() >= 32, "the secret is long: " + newSecret.length() + " characters");

        assertClientAuthenticationFailed(testOkta.redeem(code, authz.redirectUri(), null, ClientAuth.CLIENT_SECRET_POST, oldSecret));

        // Client authentication comes before the code is read, so the same code is still good.
        Reply withNew = testOkta.redeem(code, authz.redirectUri(), null, ClientAuth.CLIENT_SECRET_POST, newSecret);
        assertEquals(200, withNew.status(), withNew.body());
    }

    @Test
    @DisplayName("Someone enters 5 wrong codes -> the person is locked out, the right code is refused, events say why")
    void wrongCodesLockThePersonOut() {
        Person person = enrolledPerson("brute-force");
        PersonBrowser browser = newBrowser();
        Page page = browser.submit(browser.open(testOkta.authorize(person.username, false).url()).form("kc-form-login"), Map.of());
        String wrong = wrongCode(person);
        for (int attempt = 1; attempt <= 5; attempt++) {
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", wrong));
            assertNull(page.redirect(), "attempt " + attempt + " must not reach Okta");
        }
        page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", code(person, 1)));
        assertNull(page.redirect(), "a locked-out person gets no code, even with the right TOTP");
        assertTrue(page.hasForm("kc-otp-login-form"));

        Map<String, Object> status = realm().attackDetection().bruteForceUserStatus(person.id);
        assertEquals(Boolean.TRUE, status.get("disabled"), "brute force status: " + status);

        // Keycloak's OTP form: a wrong code, then the lockout, then (its own) the auth session marked invalid.
        List<String> reasons = loginErrors(person).stream().map(EventRepresentation::getError).toList();
        assertTrue(reasons.size() >= 6, "at least one LOGIN_ERROR per refused code: " + reasons);
        assertTrue(List.of("invalid_user_credentials", "user_temporarily_disabled", "invalid_authentication_session")
                .containsAll(reasons), "every LOGIN_ERROR names its reason: " + reasons);
        assertTrue(reasons.contains("invalid_user_credentials") && reasons.contains("user_temporarily_disabled"), reasons.toString());
    }

    @Test
    @DisplayName("Okta sends someone who was never provisioned -> refused with a clear message, no code")
    void personNotProvisionedIsRefused() {
        String stranger = "mallory@acme.com";
        PersonBrowser browser = newBrowser();
        Page page = browser.open(testOkta.authorize(stranger, false).url());
        assertEquals(stranger, page.form("kc-form-login").selectFirst("input[name=username]").val());

        page = browser.submit(page.form("kc-form-login"), Map.of());
        assertNull(page.redirect());
        assertTrue(page.hasForm("kc-form-login"), "still on the identification page");
        assertTrue(page.text().contains("not set up for POCLAB verification"), page.text());
        assertTrue(realm().users().searchByUsername(stranger, true).isEmpty(), "nobody was created");

        EventRepresentation refused = realm().getEvents(List.of("LOGIN_ERROR"), OktaConstants.CLIENT_ID, null, null, null,
                null, 0, 20).stream().filter(e -> stranger.equals(e.getDetails().get("username"))).findFirst()
                .orElseThrow(() -> new AssertionError("no LOGIN_ERROR for " + stranger));
        assertEquals("user_not_found", refused.getError());
        assertNotNull(refused.getDetails().get("reason"), "the event says why");
    }

    // --- the person's side ------------------------------------------------------------------

    /**
     * The person's browser arrives from Okta, identifies (prefilled when Okta sent a
     * login_hint), enrolls TOTP on first use or enters the code, and is sent back to Okta.
     * Returns the parameters Okta's callback receives.
     */
    private Map<String, String> signIn(PersonBrowser browser, Authorization authz, Person person) {
        Page page = browser.open(authz.url());
        Element identify = page.form("kc-form-login");
        if (authz.loginHint() != null) {
            assertEquals(authz.loginHint(), identify.selectFirst("input[name=username]").val(), "prefilled from login_hint");
            page = browser.submit(identify, Map.of());
        } else {
            assertEquals("", identify.selectFirst("input[name=username]").val());
            page = browser.submit(identify, Map.of("username", person.username));
        }
        assertFalse(page.hasForm("kc-form-login") && page.text().toLowerCase(Locale.ROOT).contains("password"),
                "no password is asked: Okta did that");

        if (page.hasForm("kc-totp-settings-form")) {
            Element setup = page.form("kc-totp-settings-form");
            person.totpSecret = setup.selectFirst("input[name=totpSecret]").val();
            page = RecoveryCodes.save(browser, browser.submit(setup, Map.of("totp", code(person, 0), "userLabel", "Authenticator app")));
        } else {
            page = browser.submit(page.form("kc-otp-login-form"), Map.of("otp", code(person, 1)));
        }
        assertNotNull(page.redirect(), "sent back to Okta, page was: " + page.text());
        assertTrue(page.redirect().toString().startsWith(authz.redirectUri() + "?"), "exact redirect_uri: " + page.redirect());
        Map<String, String> params = page.redirectParams();
        assertEquals(authz.state(), params.get("state"), "state echoed");
        assertNotNull(params.get("code"), "a code for Okta");
        assertNull(params.get("error"));
        return params;
    }

    /** Okta redeems the code and checks everything docs/okta.md section 3 asks of the ID token. */
    private JsonNode assertOktaAccepts(Map<String, String> callback, Authorization authz, ClientAuth auth, Person person) {
        Reply tokens = testOkta.redeem(callback.get("code"), authz, auth);
        assertEquals(200, tokens.status(), tokens.body());
        assertNotNull(tokens.field("access_token"), "an access token for userinfo");
        assertEquals("Bearer", tokens.field("token_type"));

        JsonNode claims = testOkta.verifiedClaims(tokens.field("id_token"));
        assertEquals(testOkta.issuer(), claims.get("iss").asText(), "iss = discovery issuer");
        JsonNode aud = claims.get("aud");
        assertEquals(OktaConstants.CLIENT_ID, aud.isArray() && aud.size() == 1 ? aud.get(0).asText() : aud.asText(), "aud = client_id");
        assertEquals(person.id, claims.get("sub").asText(), "sub = the person's POCLAB id");
        assertEquals(person.username, claims.get("preferred_username").asText(), "preferred_username = Okta username");
        assertEquals(person.email, claims.get("email").asText());
        assertEquals(authz.nonce(), claims.get("nonce").asText(), "nonce echoed");
        assertTrue(claims.get("amr").isArray(), "amr is an array");
        assertEquals("[\"otp\"]", claims.get("amr").toString());
        long now = System.currentTimeMillis() / 1000;
        assertTrue(claims.get("exp").asLong() > now, "not expired");
        assertTrue(claims.get("iat").asLong() <= now + 120, "issued within Okta's clock skew");

        Reply userinfo = testOkta.userinfo(tokens.field("access_token"));
        assertEquals(200, userinfo.status(), userinfo.body());
        assertEquals(person.id, userinfo.field("sub"));
        assertEquals(person.username, userinfo.field("preferred_username"));
        assertEquals(person.email, userinfo.field("email"));
        return claims;
    }

    /** A provisioned person who already enrolled TOTP (their first sign-in, tokens not redeemed). */
    private Person enrolledPerson(String name) {
        Person person = provision(name);
        signIn(newBrowser(), testOkta.authorize(person.username, false), person);
        return person;
    }

    /** What an admin does before Okta sends the person: username = Okta username, email set. */
    private Person provision(String name) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(name + "@acme.com");
        user.setEmail(name + "@acme.com");
        user.setEmailVerified(true);
        user.setFirstName(name);
        user.setLastName("Acme");
        user.setEnabled(true);
        try (Response created = realm().users().create(user)) {
            return new Person(CreatedResponseUtil.getCreatedId(created), user.getUsername(), user.getEmail());
        }
    }

    /** The code the person's authenticator app shows {@code periodsAhead} periods from now. */
    private static String code(Person person, int periodsAhead) {
        TimeBasedOTP totp = new TimeBasedOTP("HmacSHA1", OTP_DIGITS, OTP_PERIOD, 1);
        Calendar at = Calendar.getInstance();
        at.add(Calendar.SECOND, periodsAhead * OTP_PERIOD);
        totp.setCalendar(at);
        return totp.generateTOTP(person.totpSecret);
    }

    /** A code valid in no period Keycloak looks at. */
    private static String wrongCode(Person person) {
        List<String> valid = List.of(code(person, -1), code(person, 0), code(person, 1), code(person, 2));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!valid.contains(code)) {
                return code;
            }
        }
    }

    private List<EventRepresentation> loginErrors(Person person) {
        return realm().getEvents(List.of("LOGIN_ERROR"), null, person.id, null, null, null, 0, 100);
    }

    private String oktaFlowId() {
        return realm().flows().getFlows().stream().filter(f -> "poclab okta".equals(f.getAlias())).findFirst()
                .orElseThrow().getId();
    }

    private static Map<String, String> queryParams(String url) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        org.apache.http.client.utils.URLEncodedUtils.parse(java.net.URI.create(url), java.nio.charset.StandardCharsets.UTF_8)
                .forEach(p -> params.put(p.getName(), p.getValue()));
        return params;
    }

    private PersonBrowser newBrowser() {
        PersonBrowser browser = new PersonBrowser(urls.getBase());
        browsers.add(browser);
        return browser;
    }

    private static void closeQuietly(TestOkta client) {
        try {
            client.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private RealmResource realm() {
        return okta.admin();
    }
}
