package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * The passkey / security-key path of the Entra flow, in headless Chromium with a DevTools
 * virtual authenticator: a person registers a key through Keycloak's WebAuthn required
 * action, then passes Entra's MFA with it, and Entra gets {@code amr: ["fido"]}.
 *
 * <p>POCLAB's answer is an auto-submitting form to login.microsoftonline.com; the test stops
 * that one submit (this machine never talks to Entra) and reads the form instead.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EntraEamPasskeyIT {

    private static final String TENANT = TestEntra.newGuid();
    /** Holds back form submits that leave POCLAB (the answer to Entra) and names WebAuthn keys. */
    private static final String BROWSER_SHIM = """
            const poclabSubmit = HTMLFormElement.prototype.submit;
            HTMLFormElement.prototype.submit = function () {
              if (new URL(this.action, location.href).host === location.host) { return poclabSubmit.call(this); }
              window.poclabHeldAnswer = true;
            };
            window.prompt = function () { return 'virtual security key'; };
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

    @Test
    public void aPersonRegistersASecurityKeyThenPassesEntrasMfaWithIt() throws Exception {
        String oid = TestEntra.newGuid();
        TotpDevice phone = enrollTotpOverHttp(oid);
        UserRepresentation person = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0);
        person.setRequiredActions(List.of("webauthn-register"));
        eam.admin().users().get(person.getId()).update(person);

        WebDriver driver = browser.driver();
        VirtualAuthenticator key = ((HasVirtualAuthenticator) driver).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2).setTransport(VirtualAuthenticatorOptions.Transport.USB)
                .setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true).setHasResidentKey(true));
        ((HasCdp) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", BROWSER_SHIM));
        try {
            // 1. With TOTP as today, then Keycloak's WebAuthn registration (required action).
            TestEntra.HintBuilder first = entra.hint(TENANT, oid);
            entraPosts(driver, PoclabEam.entraRequest(first.build()));
            waitFor(driver, By.id("kc-otp-login-form"));
            driver.findElement(By.name("otp")).sendKeys(phone.nextCode());
            driver.findElement(By.cssSelector("#kc-otp-login-form [type=submit]")).click();
            waitFor(driver, By.id("registerWebAuthn")).click();
            Map<String, String> afterRegistration = heldAnswer(driver);
            assertNotNull(afterRegistration.get("id_token"), "registration ends with Entra's answer");
            assertEquals(1, key.getCredentials().size(), "the key holds one credential");

            // 2. The key is now the person's first factor: Entra's next request is passed with it.
            CredentialRepresentation webauthn = eam.admin().users().get(person.getId()).credentials().stream()
                    .filter(c -> "webauthn".equals(c.getType())).findFirst().orElseThrow();
            eam.admin().users().get(person.getId()).moveCredentialToFirst(webauthn.getId());
            TestEntra.HintBuilder second = entra.hint(TENANT, oid);
            Map<String, String> request = PoclabEam.entraRequest(second.build());
            entraPosts(driver, request);
            waitFor(driver, By.id("authenticateWebAuthnButton")).click();
            Map<String, String> answer = heldAnswer(driver);
            assertEquals(request.get("state"), answer.get("state"));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", answer.get("id_token"));
            assertEquals(List.of("fido"), List.of(token.get("amr").get(0).asText()));
            assertEquals(1, token.get("amr").size(), "exactly one amr value");
            assertEquals(second.claimValue("sub"), token.get("sub").asText());
            assertEquals(request.get("nonce"), token.get("nonce").asText());
            assertEquals("possessionorinherence", token.get("acr").asText());
        } finally {
            ((HasVirtualAuthenticator) driver).removeVirtualAuthenticator(key);
        }
    }

    /** Entra's browser-side form POST to POCLAB's authorization endpoint. */
    private void entraPosts(WebDriver driver, Map<String, String> request) {
        driver.get(urls.getBase() + "/realms/eam/.well-known/openid-configuration");
        ((JavascriptExecutor) driver).executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                for (const [name, value] of Object.entries(arguments[1])) {
                  const input = document.createElement('input');
                  input.type = 'hidden'; input.name = name; input.value = value;
                  form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
                """, urls.getBase() + "/realms/eam/protocol/openid-connect/auth", request);
    }

    /** The fields of POCLAB's auto-submitting answer to Entra, once the page has tried to post it. */
    private static Map<String, String> heldAnswer(WebDriver driver) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
                Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.poclabHeldAnswer === true")));
        Element form = org.jsoup.Jsoup.parse(driver.getPageSource()).selectFirst("form[action=" + TestEntra.REDIRECT_URI + "]");
        assertNotNull(form, "an answer form to Entra's redirect_uri");
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (Element input : form.select("input")) {
            if (input.attr("type").equalsIgnoreCase("hidden")) {
                fields.put(input.attr("name"), input.attr("value"));
            }
        }
        return fields;
    }

    private static org.openqa.selenium.WebElement waitFor(WebDriver driver, By element) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> {
            List<org.openqa.selenium.WebElement> found = d.findElements(element);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private TotpDevice enrollTotpOverHttp(String oid) throws Exception {
        try (Browser http = new Browser(urls.getBase())) {
            Browser.Page setup = http.post(urls.getBase() + "/realms/eam/protocol/openid-connect/auth",
                    PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Element form = setup.form("#kc-totp-settings-form");
            TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            assertNotNull(RecoveryCodes.save(http, http.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone")))
                    .formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
            return phone;
        }
    }
}
