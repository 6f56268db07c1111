package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * The passkey / security-key path of the Entra flow, in headless Chromium with a DevTools
 * virtual authenticator: a person registers a key through Keycloak's WebAuthn required
 * action, then passes Entra's MFA with it, and Entra gets {@code amr: ["fido"]}.
 * The browser helpers (virtual key, Entra's POST, the held-back answer) are in {@link PasskeyBrowser}.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EntraEamPasskeyIT {

    private static final String TENANT = TestEntra.newGuid();
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
        VirtualAuthenticator key = PasskeyBrowser.addKey(driver);
        try {
            // 1. With TOTP as today, then Keycloak's WebAuthn registration (required action).
            TestEntra.HintBuilder first = entra.hint(TENANT, oid);
            PasskeyBrowser.entraPosts(driver, urls.getBase(), PoclabEam.entraRequest(first.build()));
            PasskeyBrowser.waitFor(driver, By.id("kc-otp-login-form"));
            driver.findElement(By.name("otp")).sendKeys(phone.nextCode());
            driver.findElement(By.cssSelector("#kc-otp-login-form [type=submit]")).click();
            PasskeyBrowser.waitFor(driver, By.id("registerWebAuthn")).click();
            Map<String, String> afterRegistration = PasskeyBrowser.heldAnswer(driver);
            assertNotNull(afterRegistration.get("id_token"), "registration ends with Entra's answer");
            assertEquals(1, key.getCredentials().size(), "the key holds one credential");

            // 2. The key is now the person's first factor: Entra's next request is passed with it.
            CredentialRepresentation webauthn = eam.admin().users().get(person.getId()).credentials().stream()
                    .filter(c -> "webauthn".equals(c.getType())).findFirst().orElseThrow();
            eam.admin().users().get(person.getId()).moveCredentialToFirst(webauthn.getId());
            TestEntra.HintBuilder second = entra.hint(TENANT, oid);
            Map<String, String> request = PoclabEam.entraRequest(second.build());
            PasskeyBrowser.entraPosts(driver, urls.getBase(), request);
            PasskeyBrowser.waitFor(driver, By.id("authenticateWebAuthnButton")).click();
            Map<String, String> answer = PasskeyBrowser.heldAnswer(driver);
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
