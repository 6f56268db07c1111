package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.poclab.trust.okta.OktaConstants;
import jakarta.ws.rs.core.Response;
import org.apache.http.client.utils.URLEncodedUtils;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * Issue 9: a person adds a passkey in Keycloak's account console and removes a lost phone, in
 * headless Chromium with a DevTools virtual authenticator. The console's "Set up" for a key is
 * Keycloak's application-initiated action {@code kc_action=webauthn-register} on the authorization
 * endpoint of client {@code account-console}; it registers credential type {@code webauthn}, the one
 * the factor sub-flows of both realms accept ({@code webauthn-authenticator}, amr {@code fido}).
 * The next Okta or Entra verification then passes with the key, and the removed phone is not asked.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class AccountConsolePasskeyIT {

    private static final String TENANT = TestEntra.newGuid();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Keeps the URL the browser is sent back to after the application-initiated action, before the console's script moves on. */
    private static final String RETURN_RECORDER = """
            if (location.search.includes('kc_action_status=')) { sessionStorage.setItem('poclabActionReturn', location.href); }
            """;
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectWebDriver
    ManagedWebDriver browser;

    private WebDriver driver;
    private VirtualAuthenticator key;
    private String recorderScript;

    @BeforeAll
    static void startEntra() throws Exception {
        entra = new TestEntra();
    }

    @AfterAll
    static void stopEntra() {
        entra.close();
    }

    @BeforeEach
    void openBrowserWithAKey() {
        driver = browser.driver();
        key = PasskeyBrowser.addKey(driver);
        recorderScript = String.valueOf(((HasCdp) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", RETURN_RECORDER)).get("identifier"));
        // Okta's callback is never reached from this machine: the navigation stops there and the test reads the URL.
        ((HasCdp) driver).executeCdpCommand("Network.enable", Map.of());
        ((HasCdp) driver).executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*acme.okta.com*")));
    }

    @AfterEach
    void closeBrowserSession() {
        // The suite shares the browser and the Keycloak: no key, no block, no session cookies, no Entra provider left behind.
        ((HasVirtualAuthenticator) driver).removeVirtualAuthenticator(key);
        ((HasCdp) driver).executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
        ((HasCdp) driver).executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", recorderScript));
        ((HasCdp) driver).executeCdpCommand("Network.clearBrowserCookies", Map.of());
        EntraAccountProvider.remove(eam.admin());
    }

    @Test
    @DisplayName("Okta person (TOTP, recovery codes): account console (username + TOTP) -> adds a passkey, removes the phone -> Okta's next verification passes with the key (amr fido), no OTP form")
    void anOktaPersonAddsAPasskeyRemovesTheirPhoneAndOktaVerifiesWithTheKey() throws Exception {
        String username = "passkey-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.com";
        UserRepresentation rep = new UserRepresentation();
        rep.setUsername(username);
        rep.setEmail(username);
        rep.setEmailVerified(true);
        rep.setFirstName("Passkey");
        rep.setLastName("Acme");
        rep.setEnabled(true);
        String id;
        try (Response created = okta.admin().users().create(rep)) {
            id = CreatedResponseUtil.getCreatedId(created);
        }
        OktaIntegrationAdmin integration = new OktaIntegrationAdmin(okta.admin());
        integration.configureOrg(OktaFlowIT.ORG, null);
        TestOkta testOkta = new TestOkta(urls.getBase() + "/realms/" + PoclabRealms.OKTA, OktaConstants.CLIENT_ID,
                integration.secret(), OktaFlowIT.CALLBACK);

        // 0. The declared person's first Okta verification: TOTP setup ("phone"), then the recovery codes, saved.
        TotpDevice phone;
        try (PersonBrowser http = new PersonBrowser(urls.getBase())) {
            PersonBrowser.Page page = http.submit(http.open(testOkta.authorize(username, false).url()).form("kc-form-login"), Map.of());
            Element setup = page.form("kc-totp-settings-form");
            phone = new TotpDevice(setup.selectFirst("input[name=totpSecret]").val());
            page = http.submit(setup, Map.of("totp", phone.nextCode(), "userLabel", "phone"));
            assertNotNull(RecoveryCodes.save(http, page).redirectParams().get("code"), "Okta gets its code after the enrollment");
        }

        // 1. The person opens their account console and signs in: username, then the phone's code.
        driver.get(accountUrl("okta"));
        PasskeyBrowser.waitFor(driver, By.cssSelector("#kc-form-login input[name=username]")).sendKeys(username, Keys.ENTER);
        PasskeyBrowser.waitFor(driver, By.cssSelector("#kc-otp-login-form input[name=otp]")).sendKeys(phone.nextCode());
        driver.findElement(By.cssSelector("#kc-otp-login-form [type=submit]")).click();
        awaitAccountConsole("okta", id);

        // 2. "Set up" a key: the console's application-initiated action, in the signed-in browser (no second sign-in).
        String accessToken = registerKey("okta");
        assertEquals(1, key.getCredentials().size(), "the key holds one credential");
        Map<String, List<String>> listed = accountCredentials("okta", accessToken);
        assertEquals(List.of("virtual security key"), listed.get("webauthn"), "the console lists the new key: " + listed);
        assertFalse(listed.containsKey("webauthn-passwordless"),
                "the console offers only the key type the factor flows accept: " + listed);
        // The passwordless variant, typed by hand, registers nothing: its required action is disabled in
        // both realms (no POCLAB flow accepts that credential type, so it would be a key that never verifies).
        // Keycloak skips it and sends the person straight back to the console with kc_action_status=error;
        // an enabled action would stop on its registration page instead, and never come back.
        ((JavascriptExecutor) driver).executeScript("sessionStorage.removeItem('poclabActionReturn')");
        driver.get(urls.getBase() + "/realms/okta/protocol/openid-connect/auth?client_id=account-console&response_type=code"
                + "&scope=openid&redirect_uri=" + enc(accountUrl("okta")) + "&state=add-passwordless"
                + "&kc_action=webauthn-register-passwordless&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                + "&code_challenge_method=S256");
        String refusedAction = actionReturn("okta");
        assertEquals("add-passwordless", params(refusedAction).get("state"), refusedAction);
        assertEquals("error", params(refusedAction).get("kc_action_status"), refusedAction);
        new WebDriverWait(driver, WAIT).until(d -> d.getCurrentUrl().startsWith(accountUrl("okta")));
        assertTrue(driver.findElements(By.id("registerWebAuthn")).isEmpty(), "no registration page: " + driver.getCurrentUrl());
        assertEquals(1, key.getCredentials().size(), "the key holds no second credential");
        assertTrue(okta.admin().users().get(id).credentials().stream().noneMatch(c -> "webauthn-passwordless".equals(c.getType())));

        // 3. The person removes the lost phone (account REST API, as the console's "Delete" sends it).
        removeCredential("okta", accessToken, credentialId(okta, id, "otp"));

        // Left in Keycloak's order: the recovery codes (saved at enrollment) before the key added now.
        assertEquals(List.of("recovery-authn-codes", "webauthn"),
                okta.admin().users().get(id).credentials().stream().map(CredentialRepresentation::getType).toList());

        // 4. Okta's next verification: username, then the key (not the phone, not the recovery code form);
        // Okta's ID token names the key (amr fido).
        try (testOkta) {
            TestOkta.Authorization authorization = testOkta.authorize(null, true);
            driver.get(authorization.url());
            PasskeyBrowser.waitFor(driver, By.cssSelector("#kc-form-login input[name=username]")).sendKeys(username, Keys.ENTER);
            verificationPageShows(By.id("authenticateWebAuthnButton"));
            assertTrue(driver.findElements(By.id("kc-otp-login-form")).isEmpty(), "the removed phone is not asked");
            assertFalse(driver.getPageSource().contains("name=\"otp\""), "no OTP field on the page");
            assertTrue(driver.findElements(By.id("kc-recovery-code-login-form")).isEmpty(), "no recovery code form");
            driver.findElement(By.id("authenticateWebAuthnButton")).click();
            Map<String, String> callback = params(landedOn(OktaFlowIT.CALLBACK));
            assertEquals(authorization.state(), callback.get("state"));
            TestOkta.Reply tokens = testOkta.redeem(callback.get("code"), authorization, TestOkta.ClientAuth.CLIENT_SECRET_BASIC);
            assertEquals(200, tokens.status(), tokens.body());
            JsonNode claims = testOkta.verifiedClaims(tokens.field("id_token"));
            assertEquals("[\"fido\"]", claims.get("amr").toString());
            assertEquals(id, claims.get("sub").asText());
            assertEquals(authorization.nonce(), claims.get("nonce").asText());
        }
        EventRepresentation removed = okta.admin().getEvents(List.of("REMOVE_CREDENTIAL"), null, id, null, null, null, 0, 10).stream()
                .findFirst().orElseThrow(() -> new AssertionError("no REMOVE_CREDENTIAL event"));
        assertEquals("phone", removed.getDetails().get("credential_user_label"));
    }

    @Test
    @DisplayName("Entra person (TOTP, recovery codes): account console (Entra + TOTP) -> adds a passkey, removes the phone -> Entra's next EAM verification passes with the key (amr fido)")
    void anEntraPersonAddsAPasskeyRemovesTheirPhoneAndEntraVerifiesWithTheKey() throws Exception {
        PoclabEam.trust(eam.admin(), entra, TENANT);
        TestEntra.AppRegistration app = entra.registerApp(urls.getBase() + "/realms/eam/broker/entra/endpoint");
        EntraAccountProvider.configure(eam.admin(),
                EntraAccountProvider.representation(entra.authority(), TENANT, app.clientId(), app.clientSecret()));

        // First use through an Entra EAM verification: TOTP and recovery codes.
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        TotpDevice phone;
        try (Browser http = new Browser(urls.getBase())) {
            Browser.Page setup = http.post(urls.getBase() + "/realms/eam/protocol/openid-connect/auth", PoclabEam.entraRequest(hint.build()));
            Element form = setup.form("#kc-totp-settings-form");
            phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            assertNotNull(RecoveryCodes.save(http, http.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                    .formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
        }
        String id = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();

        // 1. The person opens their account console: Entra signs them in, then their phone's code.
        entra.signInNext(new TestEntra.EntraUser(TENANT, oid, String.valueOf(hint.claimValue("preferred_username"))));
        driver.get(accountUrl("eam"));
        PasskeyBrowser.waitFor(driver, By.cssSelector("#kc-otp-login-form input[name=otp]")).sendKeys(phone.nextCode());
        assertEquals(List.of(), entra.refusals(), "the test Entra accepted Keycloak's requests");
        driver.findElement(By.cssSelector("#kc-otp-login-form [type=submit]")).click();
        awaitAccountConsole("eam", id);

        // 2. "Set up" a key in the signed-in browser.
        String accessToken = registerKey("eam");
        assertEquals(1, key.getCredentials().size(), "the key holds one credential");
        Map<String, List<String>> listed = accountCredentials("eam", accessToken);
        assertEquals(List.of("virtual security key"), listed.get("webauthn"), "the console lists the new key: " + listed);
        assertFalse(listed.containsKey("webauthn-passwordless"), "only the key type the factor flows accept: " + listed);

        // 3. The person removes the lost phone.
        removeCredential("eam", accessToken, credentialId(eam, id, "otp"));
        // Left in Keycloak's order: the recovery codes (saved at enrollment) before the key added now.
        assertEquals(List.of("recovery-authn-codes", "webauthn"),
                eam.admin().users().get(id).credentials().stream().map(CredentialRepresentation::getType).toList());

        // 4. Entra's next request: the key is asked (not the phone), and Entra receives amr fido.
        TestEntra.HintBuilder next = entra.hint(TENANT, oid);
        Map<String, String> request = PoclabEam.entraRequest(next.build());
        PasskeyBrowser.entraPosts(driver, urls.getBase(), request);
        // The verification opens on the key, not on the recovery code form (which a code would make replace the key).
        verificationPageShows(By.id("authenticateWebAuthnButton"));
        assertTrue(driver.findElements(By.id("kc-otp-login-form")).isEmpty(), "the removed phone is not asked");
        assertTrue(driver.findElements(By.id("kc-recovery-code-login-form")).isEmpty(), "no recovery code form");
        assertFalse(driver.findElements(By.id("poclab-use-recovery-code")).isEmpty(), "a recovery code stays on offer");
        driver.findElement(By.id("authenticateWebAuthnButton")).click();
        Map<String, String> answer = PasskeyBrowser.heldAnswer(driver);
        assertEquals(request.get("state"), answer.get("state"));
        JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", answer.get("id_token"));
        assertEquals("[\"fido\"]", token.get("amr").toString());
        assertEquals(next.claimValue("sub"), token.get("sub").asText());
        assertEquals(request.get("nonce"), token.get("nonce").asText());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Waits for {@code element}; when it never comes, fails with the text of the page shown instead. */
    private void verificationPageShows(By element) {
        try {
            PasskeyBrowser.waitFor(driver, element);
        } catch (TimeoutException notShown) {
            throw new AssertionError("expected " + element + " on " + driver.getCurrentUrl() + ", the page says: "
                    + driver.findElement(By.tagName("body")).getText(), notShown);
        }
    }

    /** Back on the account console with a Keycloak session for the person. */
    private void awaitAccountConsole(String realm, String userId) {
        new WebDriverWait(driver, WAIT).until(d -> d.getCurrentUrl().startsWith(accountUrl(realm)));
        assertTrue((realm.equals("okta") ? okta : eam).admin().users().get(userId).getUserSessions().stream()
                .anyMatch(s -> s.getClients().containsValue("account-console")), "an account console session after the factor");
    }

    /**
     * The console's "Set up" of a security key / passkey: {@code kc_action=webauthn-register} on the
     * authorization endpoint (code + PKCE), Keycloak's WebAuthn registration with the virtual key, back
     * with {@code kc_action_status=success}; returns the console's access token from that code.
     */
    private String registerKey(String realm) throws Exception {
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        // The browser is on the account console (same origin): forget a return recorded by an earlier test.
        ((JavascriptExecutor) driver).executeScript("sessionStorage.removeItem('poclabActionReturn')");
        driver.get(urls.getBase() + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=account-console&response_type=code"
                + "&scope=openid&redirect_uri=" + enc(accountUrl(realm)) + "&state=add-key&kc_action=webauthn-register"
                + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        PasskeyBrowser.waitFor(driver, By.id("registerWebAuthn")).click();
        String back = actionReturn(realm);
        Map<String, String> returned = params(back);
        assertEquals("success", returned.get("kc_action_status"), back);
        assertEquals("add-key", returned.get("state"));
        HttpResponse<String> tokenResponse = http().send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/" + realm
                        + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=account-console&code="
                        + enc(returned.get("code")) + "&redirect_uri=" + enc(accountUrl(realm)) + "&code_verifier=" + verifier)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tokenResponse.statusCode(), tokenResponse.body());
        return JSON.readTree(tokenResponse.body()).get("access_token").asText();
    }

    /**
     * The URL Keycloak sent the browser back to after an application-initiated action (kept by the
     * recorder before the console's script moves on): the account console's, with {@code kc_action_status}.
     */
    private String actionReturn(String realm) {
        String back;
        try {
            back = new WebDriverWait(driver, WAIT).until(d -> (String) ((JavascriptExecutor) d)
                    .executeScript("return sessionStorage.getItem('poclabActionReturn')"));
        } catch (TimeoutException notBack) {
            throw new AssertionError("not back at the account console; " + driver.getCurrentUrl() + " says: "
                    + driver.findElement(By.tagName("body")).getText(), notBack);
        }
        assertTrue(back.startsWith(accountUrl(realm)), back);
        return back;
    }

    /** GET /realms/{realm}/account/credentials: the labels of the person's credentials, by type (what "Signing in" lists). */
    private Map<String, List<String>> accountCredentials(String realm, String accessToken) throws Exception {
        HttpResponse<String> listed = http().send(HttpRequest.newBuilder(URI.create(accountUrl(realm) + "credentials"))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        Map<String, List<String>> labels = new TreeMap<>();
        for (JsonNode type : JSON.readTree(listed.body())) {
            List<String> ofType = new ArrayList<>();
            for (JsonNode metadata : type.path("userCredentialMetadatas")) {
                ofType.add(metadata.get("credential").path("userLabel").asText());
            }
            labels.put(type.get("type").asText(), ofType);
        }
        return labels;
    }

    /** DELETE /realms/{realm}/account/credentials/{id}, as the console's "Delete" sends it. */
    private void removeCredential(String realm, String accessToken, String credentialId) throws Exception {
        HttpResponse<String> removed = http().send(HttpRequest.newBuilder(URI.create(accountUrl(realm) + "credentials/" + credentialId))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, removed.statusCode(), removed.body());
    }

    private static String credentialId(ManagedRealm realm, String userId, String type) {
        return realm.admin().users().get(userId).credentials().stream().filter(c -> type.equals(c.getType()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " credential")).getId();
    }

    /**
     * The URL the browser was sent to, starting with {@code prefix}: a blocked navigation shows Chromium's
     * error page, whose navigation entry keeps the URL.
     */
    @SuppressWarnings("unchecked")
    private String landedOn(String prefix) {
        return new WebDriverWait(driver, WAIT).until(d -> {
            if (d.getCurrentUrl().startsWith(prefix)) {
                return d.getCurrentUrl();
            }
            Map<String, Object> history = ((HasCdp) d).executeCdpCommand("Page.getNavigationHistory", Map.of());
            for (Object entry : (List<Object>) history.get("entries")) {
                String url = String.valueOf(((Map<String, Object>) entry).get("url"));
                if (url.startsWith(prefix)) {
                    return url;
                }
            }
            return null;
        });
    }

    private static Map<String, String> params(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        URLEncodedUtils.parse(URI.create(url), StandardCharsets.UTF_8).forEach(p -> params.put(p.getName(), p.getValue()));
        return params;
    }

    private String accountUrl(String realm) {
        return urls.getBase() + "/realms/" + realm + "/account/";
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
