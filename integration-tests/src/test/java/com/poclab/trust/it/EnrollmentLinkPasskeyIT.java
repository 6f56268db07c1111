package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
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
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * Issue 9, enrollment link with {@code factor=passkey}: in headless Chromium with a DevTools
 * virtual authenticator the person registers a key through the link (Keycloak's WebAuthn
 * registration) and saves the recovery codes Keycloak then shows; Entra's first request is then
 * passed with that key ({@code amr: ["fido"]}), and a saved code works as recovery.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EnrollmentLinkPasskeyIT {

    private static final String TENANT = TestEntra.newGuid();
    /** Holds back the form submit that leaves POCLAB (the answer to Entra) and names WebAuthn keys. */
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectAdminClient
    Keycloak admin;

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
    @DisplayName("Admin copies a passkey link -> the person proceeds, registers a key and saves recovery codes; Entra's first request is passed"
            + " with the key (amr fido), and a saved code works as recovery at a later verification")
    void aPasskeyLinkRegistersAKeyThatEntrasFirstRequestThenAsksFor() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        UserRepresentation declared = new UserRepresentation();
        declared.setUsername(String.valueOf(hint.claimValue("upn")));
        declared.setEnabled(true);
        String userId;
        try (Response created = eam.admin().users().create(declared)) {
            userId = CreatedResponseUtil.getCreatedId(created);
        }
        String link = makeLink(userId, "passkey");

        WebDriver driver = browser.driver();
        VirtualAuthenticator key = PasskeyBrowser.addKey(driver);
        List<String> codes;
        try {
            EnrollmentLinkConfirmation.open(driver, link);
            PasskeyBrowser.waitFor(driver, By.id("registerWebAuthn")).click();
            // A passkey's setup has no recovery codes of its own: Keycloak's recovery codes page follows the key.
            codes = RecoveryCodes.save(driver);
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("your POCLAB factor is set up"));
            assertEquals(1, key.getCredentials().size(), "the key holds one credential");
            assertEquals(List.of("webauthn", "recovery-authn-codes"), eam.admin().users().get(userId).credentials().stream()
                    .map(CredentialRepresentation::getType).toList());

            Map<String, String> request = PoclabEam.entraRequest(hint.build());
            PasskeyBrowser.entraPosts(driver, urls.getBase(), request);
            PasskeyBrowser.waitFor(driver, By.id("authenticateWebAuthnButton")).click();
            Map<String, String> answer = PasskeyBrowser.heldAnswer(driver);
            assertTrue(answer.containsKey("id_token"), "an id_token for Entra: " + answer.keySet());
            assertEquals(request.get("state"), answer.get("state"));
            JsonNode token = RealmTokens.verifiedClaims(urls.getBase(), "eam", answer.get("id_token"));
            assertEquals("[\"fido\"]", token.get("amr").toString());
            assertEquals(hint.claimValue("sub"), token.get("sub").asText());
        } finally {
            ((HasVirtualAuthenticator) driver).removeVirtualAuthenticator(key);
        }

        // Key lost: on the security-key page the person uses code #1; Keycloak accepts it and TOTP setup follows (first-use).
        try (Browser lostKey = new Browser(urls.getBase())) {
            Browser.Page keyPage = lostKey.post(urls.getBase() + "/realms/eam/protocol/openid-connect/auth",
                    PoclabEam.entraRequest(entra.hint(TENANT, oid).build()));
            Browser.Page codePage = lostKey.submit(keyPage, keyPage.form("#poclab-recovery-form"), Map.of());
            Browser.Page next = lostKey.submit(codePage, codePage.form("#kc-recovery-code-login-form"), Map.of("recoveryCodeInput", codes.get(0)));
            assertNotNull(next.doc().getElementById("kc-totp-settings-form"), "the saved code is accepted:\n" + next.doc().text());
        }
    }

    private String makeLink(String userId, String factor) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(urls.getBase()
                        + "/admin/realms/eam/poclab-enrollment/users/" + userId + "/link?factor=" + factor))
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertEquals(factor, body.get("factor").asText());
        return body.get("link").asText();
    }
}
