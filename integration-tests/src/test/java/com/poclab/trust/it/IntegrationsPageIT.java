package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.poclab.trust.okta.OktaConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The Integrations page (issue 5) in headless Chromium against the real server: an admin
 * sets up Entra and Okta from it alone; everyone else is kept out.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class IntegrationsPageIT {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String ORG_URL = "https://acme.okta.com";
    private static final String SEED = "/work/shared/seed/integrations-page.txt";

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectRealm(ref = "master", attachTo = "master")
    ManagedRealm master;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectWebDriver
    ManagedWebDriver browser;

    private final HttpClient http = HttpClient.newHttpClient();
    private AuthenticatorConfigRepresentation eamSettingsBefore;
    private AuthenticatorConfigRepresentation oktaSettingsBefore;
    private ClientRepresentation oktaClientBefore;

    /** Other test classes share realms eam and okta: put back what the page changed. */
    @BeforeEach
    public void rememberSettings() {
        eamSettingsBefore = settings(eam.admin(), PoclabEam.FLOW, PoclabEam.HINT_AUTHENTICATOR);
        oktaSettingsBefore = settings(okta.admin(), "poclab okta", "poclab-okta-person");
        oktaClientBefore = oktaClient().toRepresentation();
        oktaClientBefore.setSecret(oktaClient().getSecret().getValue());
        driver().manage().window().setSize(new Dimension(1280, 2600));
    }

    @AfterEach
    public void restoreSettings() {
        eam.admin().flows().updateAuthenticatorConfig(eamSettingsBefore.getId(), eamSettingsBefore);
        okta.admin().flows().updateAuthenticatorConfig(oktaSettingsBefore.getId(), oktaSettingsBefore);
        oktaClient().update(oktaClientBefore);
        signOut();
    }

    @Test
    public void anAdminSetsUpBothIntegrationsFromThePageAlone() throws Exception {
        long secretEventsBefore = secretGenerationEvents();
        signIn("admin", "admin");
        assertEquals(pageUrl(), driver().getCurrentUrl(), "back on the page, code and state gone from the address bar");
        assertSeedContentInOrder();

        // Entra: a bad GUID is refused with a clear message; a good one is live at once.
        fill("entra-tenants", "not-a-guid");
        click("entra-save");
        assertTrue(text("tenants-error").contains("\u201cnot-a-guid\u201d is not a tenant ID"), text("tenants-error"));
        assertEquals("true", driver().findElement(By.id("entra-tenants")).getAttribute("aria-invalid"));
        fill("entra-tenants", TENANT);
        click("entra-save");
        assertTrue(text("integrations-notice").startsWith("Saved."));
        assertEquals(TENANT, settings(eam.admin(), PoclabEam.FLOW, PoclabEam.HINT_AUTHENTICATOR).getConfig().get("entra.tenants"));

        // The URLs are those Keycloak serves for the realms.
        JsonNode eamDiscovery = RealmTokens.discovery(urls.getBase(), PoclabRealms.EAM);
        assertEquals(urls.getBase() + "/realms/eam/.well-known/openid-configuration", text("entra-discovery"));
        assertEquals(eamDiscovery.get("jwks_uri").asText(), text("entra-jwks"));
        assertEquals(PoclabEam.CLIENT_ID, text("entra-client-id"));
        JsonNode oktaDiscovery = RealmTokens.discovery(urls.getBase(), PoclabRealms.OKTA);
        assertEquals(urls.getBase() + "/realms/okta/.well-known/openid-configuration", text("okta-discovery"));
        assertEquals(oktaDiscovery.get("authorization_endpoint").asText(), text("okta-authorize"));
        assertEquals(oktaDiscovery.get("token_endpoint").asText(), text("okta-token"));
        assertEquals(oktaDiscovery.get("jwks_uri").asText(), text("okta-jwks"));

        // Okta: a trailing slash is refused with a clear message; a good org URL registers its callback.
        fill("okta-org-url", ORG_URL + "/");
        click("okta-save");
        assertTrue(text("orgUrl-error").contains("must not end with a slash: use " + ORG_URL), text("orgUrl-error"));
        fill("okta-org-url", ORG_URL);
        click("okta-save");
        assertTrue(text("integrations-notice").startsWith("Saved."));
        assertEquals(List.of(ORG_URL + OktaConstants.CALLBACK_PATH), oktaClient().toRepresentation().getRedirectUris());

        // The secret is shown once, in the response that generated it.
        click("okta-regenerate");
        String first = text("okta-secret");
        assertEquals(oktaClient().getSecret().getValue(), first);
        assertTrue(text("okta-secret-once").contains("not shown again unless regenerated"));
        screenshot("integrations-page-secret-shown-once.png");
        browser.open(pageUrl());
        assertTrue(driver().findElements(By.id("okta-secret")).isEmpty(), "no secret after a reload");
        assertFalse(driver().getPageSource().contains(first), "the secret is nowhere in a later page load");
        assertTrue(text("okta-secret-state").contains("not shown again unless regenerated"));
        assertEquals(200, introspectWith(first), "the secret works at the token endpoint");

        click("okta-regenerate");
        String second = text("okta-secret");
        assertNotEquals(first, second);
        assertEquals(401, introspectWith(first), "the old secret is refused at once");
        assertEquals(200, introspectWith(second));

        // Check configuration lists each rule with its verdict; the test server speaks plain HTTP.
        click("entra-check");
        String entraChecks = text("entra-checks");
        assertTrue(entraChecks.contains("Pass Discovery is reachable at the shown URL"), entraChecks);
        assertTrue(entraChecks.contains("Fail Discovery URL uses HTTPS"), entraChecks);
        assertTrue(entraChecks.contains("Pass Every JWK carries x5c"), entraChecks);
        assertTrue(entraChecks.contains("Pass Tenant ID set"), entraChecks);
        assertTrue(entraChecks.contains("Pass Redirect URIs registered"), entraChecks);
        click("okta-check");
        String oktaChecks = text("okta-checks");
        assertTrue(oktaChecks.contains("Pass Redirect URIs registered"), oktaChecks);
        assertTrue(oktaChecks.contains("Pass Client secret set"), oktaChecks);
        assertTrue(oktaChecks.contains("Pass Discovery response has Content-Length"), oktaChecks);
        screenshot("integrations-page.png");

        // Every change is an admin event by admin; the secret never reaches the event log.
        List<AdminEventRepresentation> eamEvents = eam.admin().getAdminEvents();
        assertTrue(eamEvents.stream().anyMatch(e -> "UPDATE".equals(e.getOperationType()) && "AUTHENTICATOR_CONFIG".equals(e.getResourceType())
                && e.getRepresentation() != null && e.getRepresentation().contains(TENANT)), "Entra save is an admin event");
        List<AdminEventRepresentation> oktaEvents = okta.admin().getAdminEvents();
        assertEquals(secretEventsBefore + 2, secretGenerationEvents(), "each generation is an admin event");
        assertTrue(oktaEvents.stream().anyMatch(e -> "UPDATE".equals(e.getOperationType()) && "CLIENT".equals(e.getResourceType())));
        String everything = oktaEvents.stream().map(e -> String.valueOf(e.getRepresentation())).collect(Collectors.joining());
        assertFalse(everything.contains(first) || everything.contains(second), "no secret in admin events");
    }

    /** Secret generations in realm okta's admin events (other suite classes regenerate it too). */
    private long secretGenerationEvents() {
        return okta.admin().getAdminEvents(List.of("ACTION"), null, null, null, null, null, null, null, 0, 10_000).stream()
                .filter(e -> e.getResourcePath().endsWith("/client-secret")).count();
    }

    @Test
    public void anUnauthenticatedVisitorIsSentToKeycloakLoginAndANonAdminGets403() throws Exception {
        browser.open(pageUrl());
        assertTrue(driver().getCurrentUrl().startsWith(urls.getBase() + "/realms/master/protocol/openid-connect/auth"), driver().getCurrentUrl());
        assertTrue(driver().getCurrentUrl().contains("client_id=poclab-integrations"));

        String password = "viewer-" + TestEntra.randomBase64(12);
        MasterUsers.withPassword(master, "viewer", password);
        signIn("viewer", password);
        assertTrue(text("integrations-refused").contains("may not change POCLAB Trust integrations"));
        assertTrue(driver().findElements(By.id("entra-form")).isEmpty());
        screenshot("integrations-page-403.png");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pageUrl())).header("Cookie", identityCookie()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode());
    }

    @Test
    public void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        signIn("admin", "admin");
        String before = settings(eam.admin(), PoclabEam.FLOW, PoclabEam.HINT_AUTHENTICATOR).getConfig().get("entra.tenants");
        ((JavascriptExecutor) driver()).executeScript("document.querySelector('#entra-form input[name=csrf]').remove()");
        fill("entra-tenants", TENANT);
        click("entra-save");
        assertTrue(text("integrations-refused").contains("did not carry this page's security token"), text("integrations-refused"));
        assertEquals(before, settings(eam.admin(), PoclabEam.FLOW, PoclabEam.HINT_AUTHENTICATOR).getConfig().get("entra.tenants"));

        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(pageUrl() + "okta/secret"))
                .header("Cookie", identityCookie()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("once=x&csrf=forged")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode());
        assertEquals(oktaClientBefore.getSecret(), oktaClient().getSecret().getValue(), "the secret did not change");
    }

    @Test
    public void theEamVerificationPageRendersInThePoclabTheme() throws Exception {
        try (TestEntra entra = new TestEntra()) {
            PoclabEam.trust(eam.admin(), entra, TENANT);
            TestEntra.HintBuilder hint = entra.hint(TENANT, TestEntra.newGuid());
            String person = (String) hint.claimValue("preferred_username");
            browser.open(urls.getBase() + "/realms/eam/");
            postFormFromBrowser(urls.getBase() + "/realms/eam/protocol/openid-connect/auth", PoclabEam.entraRequest(hint.build()));

            assertEquals("login-login-config-totp", driver().findElement(By.tagName("body")).getAttribute("data-page-id"));
            assertEquals("Contoso requires POCLAB verification for " + person, text("poclab-requires"));
            assertEquals("POCLAB Trust", driver().findElement(By.id("kc-header-wrapper")).getAttribute("textContent").trim());
            WebElement cancel = driver().findElement(By.id("poclab-cancel-form"));
            assertTrue(cancel.getAttribute("action").startsWith(urls.getBase() + "/realms/eam/poclab/cancel?client_id=poclab-eam&tab_id="),
                    cancel.getAttribute("action"));
            assertFalse(driver().findElements(By.cssSelector("label[for=totp]")).isEmpty(), "the code input is labelled");
            assertFalse(driver().findElements(By.cssSelector("label[for=userLabel]")).isEmpty(), "the device name input is labelled");
            assertTrue(driver().getPageSource().contains("/login/poclab/css/poclab.css"));
            screenshot("eam-verification-totp-setup.png");
        }
    }

    private void assertSeedContentInOrder() throws IOException {
        String page = driver().findElement(By.id("poclab-main")).getText();
        Map<String, String> deploymentValues = Map.of(
                "https://trust.poclab.com/eam/.well-known/openid-configuration", urls.getBase() + "/realms/eam/.well-known/openid-configuration",
                "https://trust.poclab.com/eam/.well-known/jwks", urls.getBase() + "/realms/eam/protocol/openid-connect/certs",
                "https://trust.poclab.com/okta/.well-known/openid-configuration", urls.getBase() + "/realms/okta/.well-known/openid-configuration",
                "https://trust.poclab.com/okta/verify", urls.getBase() + "/realms/okta/protocol/openid-connect/auth",
                "https://trust.poclab.com/okta/token", urls.getBase() + "/realms/okta/protocol/openid-connect/token",
                "https://trust.poclab.com/okta/keys", urls.getBase() + "/realms/okta/protocol/openid-connect/certs");
        int at = 0;
        for (String line : Files.readAllLines(Path.of(SEED), StandardCharsets.UTF_8)) {
            String expected = deploymentValues.getOrDefault(line.trim(), line.trim().replaceFirst("^\\d+\\.\\s+", ""));
            if (expected.isEmpty()) {
                continue;
            }
            int found = page.indexOf(expected, at);
            assertTrue(found >= 0, "\"" + expected + "\" appears after position " + at + " of the page:\n" + page);
            at = found + expected.length();
        }
    }

    private void signIn(String username, String password) {
        browser.open(pageUrl());
        fill("username", username);
        fill("password", password);
        click("kc-login");
        // The click returns once the form is submitted, not once Keycloak's redirects have landed.
        browser.waiting().until(d -> d.getCurrentUrl().startsWith(pageUrl()));
    }

    private void signOut() {
        browser.open(pageUrl());
        browser.cookies().deleteAll();
    }

    private String identityCookie() {
        return "KEYCLOAK_IDENTITY=" + browser.cookies().get("KEYCLOAK_IDENTITY").getValue();
    }

    /** Entra's request is a form POST from the person's browser (entra-eam.md section 1). */
    private void postFormFromBrowser(String action, Map<String, String> fields) {
        List<String> inputs = new ArrayList<>();
        fields.forEach((name, value) -> inputs.add(name + "\u0000" + value));
        ((JavascriptExecutor) driver()).executeScript(
                "const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                        + "for (const pair of arguments[1]) { const [n, v] = pair.split('\\u0000'); const i = document.createElement('input');"
                        + " i.type = 'hidden'; i.name = n; i.value = v; f.appendChild(i); }"
                        + "document.body.appendChild(f); f.submit();", action, inputs);
        browser.waiting().until(d -> !d.findElements(By.cssSelector("body[data-page-id]")).isEmpty());
    }

    private int introspectWith(String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((OktaConstants.CLIENT_ID + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/okta/protocol/openid-connect/token/introspect"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=not-a-token")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static AuthenticatorConfigRepresentation settings(RealmResource realm, String flow, String authenticator) {
        AuthenticationExecutionInfoRepresentation step = realm.flows().getExecutions(flow).stream()
                .filter(e -> authenticator.equals(e.getProviderId())).findFirst().orElseThrow();
        return realm.flows().getAuthenticatorConfig(step.getAuthenticationConfig());
    }

    private ClientResource oktaClient() {
        String id = okta.admin().clients().findByClientId(OktaConstants.CLIENT_ID).get(0).getId();
        return okta.admin().clients().get(id);
    }

    private String pageUrl() {
        return urls.getBase() + "/realms/master/poclab-integrations/";
    }

    private WebDriver driver() {
        return browser.driver();
    }

    private String text(String id) {
        return driver().findElement(By.id(id)).getText().trim();
    }

    private void fill(String id, String value) {
        WebElement field = driver().findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    private void click(String id) {
        driver().findElement(By.id(id)).click();
    }

    private void screenshot(String name) throws IOException {
        Path file = ((TakesScreenshot) driver()).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, ProjectPaths.artifacts().resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
