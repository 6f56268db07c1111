package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

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

/**
 * Issue 7, Integrations page: an admin of realm eam only cannot touch the Okta card, the Okta
 * secret never reaches the server log, and markup typed into the fields is refused and shown
 * as text. Driven over HTTP as a browser without JavaScript would (IntegrationsPageIT drives
 * the same page in Chromium).
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class IntegrationsPageSecurityIT {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin";

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = PoclabRealms.OKTA, fromJson = PoclabRealms.OKTA_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm okta;

    @InjectRealm(ref = "master", attachTo = "master")
    ManagedRealm master;

    @InjectKeycloakUrls
    KeycloakUrls urls;

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
    }

    @AfterEach
    public void restoreSettings() {
        eam.admin().flows().updateAuthenticatorConfig(eamSettingsBefore.getId(), eamSettingsBefore);
        okta.admin().flows().updateAuthenticatorConfig(oktaSettingsBefore.getId(), oktaSettingsBefore);
        oktaClient().update(oktaClientBefore);
    }

    @Test
    public void anAdminOfRealmEamOnlyCannotChangeTheOktaCard() throws Exception {
        String password = "eam-admin-" + TestEntra.randomBase64(12);
        String username = "eam-admin-" + TestEntra.newGuid().substring(0, 8);
        MasterUsers.grantManageRealm(master, MasterUsers.withPassword(master, username, password), "eam-realm");
        int oktaAdminEventsBefore = oktaAdminEvents().size();

        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = signIn(browser, username, password);
            assertEquals(200, page.status(), page.body());
            assertTrue(page.has("#entra-form"), "the Entra card is theirs");
            assertFalse(page.has("#okta-form") || page.has("#okta-secret-form"), "no Okta card for an admin of eam only");
            String csrf = page.form("#entra-form").selectFirst("input[name=csrf]").val();

            // With a valid form token (it works for the Entra card), the Okta card's actions are refused.
            RawBrowser.Page org = browser.post(pageUrl() + "okta", Map.of("csrf", csrf, "org_url", "https://evil.okta.com", "custom_domains", ""));
            assertEquals(403, org.status(), org.body());
            assertTrue(org.doc().getElementById("integrations-refused").text().contains("may not change POCLAB Trust integrations"));
            RawBrowser.Page secret = browser.post(pageUrl() + "okta/secret", Map.of("csrf", csrf, "once", TestEntra.randomBase64(20)));
            assertEquals(403, secret.status());
            assertFalse(secret.body().contains(oktaClient().getSecret().getValue()), "no secret in the refusal");
            RawBrowser.Page check = browser.post(pageUrl() + "okta/check", Map.of("csrf", csrf));
            assertEquals(403, check.status());

            RawBrowser.Page entra = browser.post(pageUrl() + "entra", Map.of("csrf", csrf, "tenants", "72f988bf-86f1-41af-91ab-2d7cd011db47", "app_id", ""));
            assertEquals(200, entra.status(), "the same token saves the Entra card: " + entra.body());
        }
        assertEquals(oktaSettingsBefore.getConfig(), settings(okta.admin(), "poclab okta", "poclab-okta-person").getConfig(), "Okta settings unchanged");
        assertEquals(oktaClientBefore.getRedirectUris(), oktaClient().toRepresentation().getRedirectUris(), "redirect URIs unchanged");
        assertEquals(oktaClientBefore.getSecret(), oktaClient().getSecret().getValue(), "secret unchanged");
        assertEquals(oktaAdminEventsBefore, oktaAdminEvents().size(), "no admin event in realm okta");
    }

    @Test
    public void theOktaSecretNeverReachesTheServerLog() throws Exception {
        String secret;
        try (ServerLog log = ServerLog.capture(); RawBrowser browser = browser()) {
            RawBrowser.Page page = signIn(browser, ADMIN, ADMIN_PASSWORD);
            RawBrowser.Page generated = browser.submit(page, page.form("#okta-secret-form"), Map.of());
            assertEquals(200, generated.status(), generated.body());
            secret = generated.doc().getElementById("okta-secret").text().trim();
            if (secret.isEmpty()) {
                secret = generated.doc().getElementById("okta-secret").attr("value");
            }
            assertEquals(oktaClient().getSecret().getValue(), secret, "the page showed the new secret");

            // The secret in use, right and wrong, at the token endpoint.
            try (TestOkta testOkta = new TestOkta(urls.getBase() + "/realms/okta", OktaConstants.CLIENT_ID, secret, OktaFlowIT.CALLBACK)) {
                testOkta.redeem("not-a-code", OktaFlowIT.CALLBACK, null, TestOkta.ClientAuth.CLIENT_SECRET_POST, secret);
                testOkta.redeem("not-a-code", OktaFlowIT.CALLBACK, null, TestOkta.ClientAuth.CLIENT_SECRET_BASIC, secret + "x");
            }
            browser.get(pageUrl());

            assertTrue(log.awaitLine("Okta client secret of realm okta regenerated by " + ADMIN, 15_000),
                    "the server log is captured (the regeneration line is there): " + log.lines().size() + " lines");
            String leaked = secret;
            assertTrue(log.lines().stream().noneMatch(l -> l.contains(leaked)), "the secret is in the server log");
        }
    }

    @Test
    public void markupInTenantIdAndOrgUrlIsRefusedAndShownAsText() throws Exception {
        try (RawBrowser browser = browser()) {
            RawBrowser.Page page = signIn(browser, ADMIN, ADMIN_PASSWORD);
            String csrf = page.form("#entra-form").selectFirst("input[name=csrf]").val();

            for (String tenants : List.of("<script>alert('t')</script>", "72f988bf-86f1-41af-91ab-2d7cd011db47\"><img src=x onerror=alert(1)>")) {
                RawBrowser.Page refused = browser.post(pageUrl() + "entra", Map.of("csrf", csrf, "tenants", tenants, "app_id", ""));
                assertEquals(400, refused.status(), tenants);
                assertNotNull(refused.doc().getElementById("tenants-error"), "a message says what is wrong");
                assertInert(refused);
            }
            RawBrowser.Page badAppId = browser.post(pageUrl() + "entra",
                    Map.of("csrf", csrf, "tenants", "72f988bf-86f1-41af-91ab-2d7cd011db47", "app_id", "<script>alert('a')</script>"));
            assertEquals(400, badAppId.status());
            assertInert(badAppId);

            for (String orgUrl : List.of("https://acme.okta.com/\"><script>alert('o')</script>", "javascript:alert(1)",
                    "https://<img src=x onerror=alert(2)>.okta.com", "https://acme.okta.com@evil.example")) {
                RawBrowser.Page refused = browser.post(pageUrl() + "okta", Map.of("csrf", csrf, "org_url", orgUrl, "custom_domains", ""));
                assertEquals(400, refused.status(), orgUrl);
                assertNotNull(refused.doc().getElementById("orgUrl-error"), "a message says what is wrong: " + orgUrl);
                assertInert(refused);
            }
            RawBrowser.Page badDomain = browser.post(pageUrl() + "okta",
                    Map.of("csrf", csrf, "org_url", "https://acme.okta.com", "custom_domains", "https://login.acme.com/<script>alert('d')</script>"));
            assertEquals(400, badDomain.status());
            assertInert(badDomain);
        }
        assertEquals(eamSettingsBefore.getConfig(), settings(eam.admin(), PoclabEam.FLOW, PoclabEam.HINT_AUTHENTICATOR).getConfig(),
                "Entra settings unchanged");
        assertEquals(oktaSettingsBefore.getConfig(), settings(okta.admin(), "poclab okta", "poclab-okta-person").getConfig(), "Okta settings unchanged");
        assertEquals(oktaClientBefore.getRedirectUris(), oktaClient().toRepresentation().getRedirectUris(), "redirect URIs unchanged");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private RawBrowser browser() {
        return new RawBrowser(urls.getBase());
    }

    /** Keycloak's login for realm master through the page's sign-in client, then back on the page. */
    private RawBrowser.Page signIn(RawBrowser browser, String username, String password) {
        RawBrowser.Page login = browser.get(pageUrl());
        return browser.submit(login, login.form("#kc-form-login"), Map.of("username", username, "password", password));
    }

    private static void assertInert(RawBrowser.Page page) {
        assertTrue(page.status() < 500, "no server error: " + page.status());
        assertFalse(page.body().contains("<script>alert("), "raw script in page:\n" + page.body());
        assertFalse(page.body().contains("<img src=x"), "raw markup in page:\n" + page.body());
        assertTrue(page.doc().select("script").stream().noneMatch(s -> s.data().contains("alert(")), "an injected script element");
        assertTrue(page.doc().select("img[src=x], img[onerror]").isEmpty(), "an injected element");
        assertTrue(page.doc().select("a[href^=javascript]").isEmpty(), "a javascript: link");
    }

    /** A master-realm user holding manage-realm of one realm's admin client ({@code <realm>-realm}) only. */
    private List<AdminEventRepresentation> oktaAdminEvents() {
        return okta.admin().getAdminEvents(null, null, null, null, null, null, null, null, 0, 10_000);
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
}
