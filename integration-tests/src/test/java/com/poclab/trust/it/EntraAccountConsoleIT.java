package com.poclab.trust.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

/**
 * Issue 9: an Entra person manages their own factors in realm eam's account console. They sign
 * in with Microsoft Entra (realm eam's OIDC identity provider {@code entra}, here the test Entra),
 * then with a POCLAB factor they already hold; Keycloak links the Entra user to the POCLAB person
 * pinned to the ID token's tid + oid, never to anyone else, and creates nobody.
 */
@KeycloakIntegrationTest(config = PoclabServerConfig.class)
public class EntraAccountConsoleIT {

    private static final String TENANT = TestEntra.newGuid();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestEntra entra;

    @InjectRealm(ref = PoclabRealms.EAM, fromJson = PoclabRealms.EAM_JSON, lifecycle = LifeCycle.GLOBAL)
    ManagedRealm eam;

    @InjectRealm(ref = "master", attachTo = "master")
    ManagedRealm master;

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

    /** The app registration realm eam's provider {@code entra} uses in this test. */
    private TestEntra.AppRegistration app;

    @BeforeEach
    void connectEntra() {
        PoclabEam.trust(eam.admin(), entra, TENANT);
        app = entra.registerApp(urls.getBase() + "/realms/eam/broker/entra/endpoint");
        EntraAccountProvider.configure(eam.admin(),
                EntraAccountProvider.representation(entra.authority(), TENANT, app.clientId(), app.clientSecret()));
    }

    @AfterEach
    void removeProvider() {
        // The suite shares one Keycloak: without the provider the account console is closed again (RecoveryIT).
        EntraAccountProvider.remove(eam.admin());
    }

    /** A person enrolled through an Entra EAM verification (first use): pinned to tid + oid, TOTP, recovery codes. */
    private record Person(TestEntra.EntraUser entraUser, String id, TotpDevice phone) {
    }

    @Test
    @DisplayName("Entra sign-in, then the TOTP -> an account console session; the person adds a phone, removes the old one; the next sign-in asks the factor again")
    void aPersonSignsInWithEntraAndTheirTotpThenReplacesTheirPhone() throws Exception {
        Person person = enrollThroughEntra();

        String accessToken;
        try (PersonBrowser browser = browser()) {
            SignIn signIn = startSignIn(browser, person.entraUser());
            // Entra alone opens nothing: the factor's page, no way back to the account console, no session yet.
            assertTrue(signIn.page().hasForm("kc-otp-login-form"), "the TOTP form after Entra: " + signIn.page().text());
            assertNull(signIn.page().redirect());
            assertTrue(eam.admin().users().get(person.id()).getUserSessions().isEmpty(), "no session after Entra alone");

            PersonBrowser.Page done = browser.submit(signIn.page().form("kc-otp-login-form"), Map.of("otp", person.phone().nextCode()));
            accessToken = token(signIn, done);
            assertEquals(1, eam.admin().users().get(person.id()).getUserSessions().size(), "a session after the factor");

            // The person reads their factors through the account REST API (what the console's "Signing in" page lists).
            Map<String, String> phones = accountOtpIds(accessToken);
            assertEquals(List.of("phone"), List.copyOf(phones.keySet()));

            // They set up a new phone from the account console (Keycloak's CONFIGURE_TOTP application-initiated action).
            TotpDevice newPhone = addPhone(browser, "new phone");
            assertEquals(List.of("new phone", "phone"), List.copyOf(accountOtpIds(accessToken).keySet()));

            // And remove the lost one.
            HttpResponse<String> removed = http().send(HttpRequest.newBuilder(URI.create(accountUrl() + "credentials/" + phones.get("phone")))
                    .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, removed.statusCode(), removed.body());
            assertEquals(List.of("new phone"), List.copyOf(accountOtpIds(accessToken).keySet()));

            // The next sign-in (already linked) asks the factor again: the removed phone is refused, the new one passes.
            try (PersonBrowser next = browser()) {
                SignIn again = startSignIn(next, person.entraUser());
                PersonBrowser.Page refused = next.submit(again.page().form("kc-otp-login-form"), Map.of("otp", person.phone().nextCode()));
                assertNull(refused.redirect(), "the removed phone opens nothing");
                assertTrue(refused.hasForm("kc-otp-login-form"), refused.text());
                token(again, next.submit(refused.form("kc-otp-login-form"), Map.of("otp", newPhone.nextCode())));
            }
        }

        // Keycloak linked the Entra user to the pinned person, and the log names Entra and the account console.
        assertEquals(List.of(EntraAccountProvider.ALIAS), eam.admin().users().get(person.id()).getFederatedIdentity().stream()
                .map(link -> link.getIdentityProvider()).toList());
        List<EventRepresentation> logins = events("LOGIN", person.id());
        assertTrue(logins.stream().anyMatch(e -> "account-console".equals(e.getClientId())
                && EntraAccountProvider.ALIAS.equals(e.getDetails().get("identity_provider"))), "LOGIN events: " + describe(logins));
    }

    @Test
    @DisplayName("Entra sign-in, then a wrong TOTP -> no session, an error event; the person stays on the TOTP form")
    void aWrongTotpIsRefused() throws Exception {
        Person person = enrollThroughEntra();
        try (PersonBrowser browser = browser()) {
            SignIn signIn = startSignIn(browser, person.entraUser());
            PersonBrowser.Page refused = browser.submit(signIn.page().form("kc-otp-login-form"), Map.of("otp", person.phone().wrongCode()));
            assertNull(refused.redirect(), "a wrong code opens nothing");
            assertTrue(refused.hasForm("kc-otp-login-form"), refused.text());
        }
        assertTrue(eam.admin().users().get(person.id()).getUserSessions().isEmpty(), "no session");
        // Keycloak's OTP form records the failure under its post-broker-login event type, counted by brute-force detection.
        List<EventRepresentation> errors = events("IDENTITY_PROVIDER_POST_LOGIN_ERROR", person.id());
        assertTrue(errors.stream().anyMatch(e -> "invalid_user_credentials".equals(e.getError())), describe(errors));
        assertEquals(1, eam.admin().attackDetection().bruteForceUserStatus(person.id()).get("numFailures"),
                "the wrong code counts towards the person's lockout");
    }

    @Test
    @DisplayName("An Entra user who is no POCLAB person (even one whose UPN is a declared username) -> a clear page, LOGIN_ERROR, nobody created or linked")
    void anEntraUserWhoIsNoPoclabPersonIsRefusedAndNobodyIsCreated() throws Exception {
        // A stranger, and a UPN an admin declared (not pinned yet): the account console matches by tid + oid only.
        String declaredUpn = "declared-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.com";
        String declaredId = declare(declaredUpn);
        int peopleBefore = eam.admin().users().count();
        List<TestEntra.EntraUser> strangers = List.of(
                new TestEntra.EntraUser(TENANT, TestEntra.newGuid(), "stranger-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.com"),
                new TestEntra.EntraUser(TENANT, TestEntra.newGuid(), declaredUpn));
        for (TestEntra.EntraUser stranger : strangers) {
            try (PersonBrowser browser = browser()) {
                PersonBrowser.Page page = entraSignIn(browser, stranger).page();
                assertNull(page.redirect(), "no way back to the account console");
                assertFalse(page.hasForm("kc-otp-login-form"), "no factor is asked of a stranger");
                assertTrue(page.text().contains("not linked to a POCLAB person"), page.text());
            }
            assertTrue(eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + stranger.objectId()).isEmpty());
        }
        assertEquals(peopleBefore, eam.admin().users().count(), "nobody created");
        assertTrue(eam.admin().users().get(declaredId).getFederatedIdentity().isEmpty(), "the declared person is not linked");
        List<EventRepresentation> refusals = eam.admin().getEvents(List.of("LOGIN_ERROR"), "account-console", null, null, null, null, 0, 200)
                .stream().filter(e -> "poclab_entra_not_a_person".equals(e.getError()) && e.getDetails().get("reason") != null
                        && TENANT.equals(e.getDetails().get("tid"))).toList();
        assertEquals(Set.copyOf(strangers.stream().map(TestEntra.EntraUser::objectId).toList()),
                refusals.stream().map(e -> e.getDetails().get("oid")).filter(oid -> strangers.stream().anyMatch(u -> u.objectId().equals(oid)))
                        .collect(Collectors.toSet()), "each refusal is a LOGIN_ERROR with the reason, tid and oid: " + describe(refusals));
    }

    @Test
    @DisplayName("A disabled person -> refused at Entra sign-in, before and after they were linked; no session")
    void aDisabledPersonIsRefused() throws Exception {
        Person notLinkedYet = enrollThroughEntra();
        Person linked = enrollThroughEntra();
        try (PersonBrowser browser = browser()) {
            SignIn signIn = startSignIn(browser, linked.entraUser());
            token(signIn, browser.submit(signIn.page().form("kc-otp-login-form"), Map.of("otp", linked.phone().nextCode())));
        }
        for (Person person : List.of(notLinkedYet, linked)) {
            UserRepresentation rep = eam.admin().users().get(person.id()).toRepresentation();
            rep.setEnabled(false);
            eam.admin().users().get(person.id()).update(rep);
            eam.admin().users().get(person.id()).logout();
            try (PersonBrowser browser = browser()) {
                PersonBrowser.Page page = entraSignIn(browser, person.entraUser()).page();
                assertNull(page.redirect(), "no way back to the account console");
                assertFalse(page.hasForm("kc-otp-login-form"), page.text());
                assertTrue(page.text().toLowerCase().contains("disabled"), page.text());
            }
            assertTrue(eam.admin().users().get(person.id()).getUserSessions().isEmpty());
        }
        List<EventRepresentation> refused = events("LOGIN_ERROR", notLinkedYet.id());
        assertTrue(refused.stream().anyMatch(e -> "user_disabled".equals(e.getError()) && e.getDetails().get("reason") != null), describe(refused));
    }

    @Test
    @DisplayName("A deleted person (linked once) signs in through Entra -> refused as offboarded: LOGIN_ERROR eam_user_offboarded"
            + " naming the offboarding record, not as a disabled person; no session")
    void aDeletedPersonIsRefusedAsOffboarded() throws Exception {
        Person person = enrollThroughEntra();
        try (PersonBrowser browser = browser()) {
            SignIn signIn = startSignIn(browser, person.entraUser());
            token(signIn, browser.submit(signIn.page().form("kc-otp-login-form"), Map.of("otp", person.phone().nextCode())));
        }
        eam.admin().users().get(person.id()).remove();
        String oid = person.entraUser().objectId();
        long started = System.currentTimeMillis();
        try (PersonBrowser browser = browser()) {
            PersonBrowser.Page page = entraSignIn(browser, person.entraUser()).page();
            assertNull(page.redirect(), "no way back to the account console");
            assertFalse(page.hasForm("kc-otp-login-form"), page.text());
            assertTrue(page.text().contains("removed from POCLAB"), page.text());
        }
        String record = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
        assertTrue(eam.admin().users().get(record).getUserSessions().isEmpty(), "no session for the record");
        List<EventRepresentation> refused = eam.admin().getEvents(List.of("LOGIN_ERROR"), "account-console", null, null, null, null, 0, 200)
                .stream().filter(e -> e.getTime() >= started && e.getDetails() != null && oid.equals(e.getDetails().get("oid"))).toList();
        assertFalse(refused.isEmpty(), "a LOGIN_ERROR for this Entra user");
        assertTrue(refused.stream().allMatch(e -> "eam_user_offboarded".equals(e.getError())
                && e.getDetails().get("reason").contains("offboarded-" + oid)), describe(refused));
    }

    @Test
    @DisplayName("A pinned person without a factor, or whose only key is of Keycloak's passwordless type (which no POCLAB flow asks)"
            + " -> refused (no enrollment in the account console), LOGIN_ERROR poclab_factor_not_enrolled")
    void aPersonWithoutAFactorIsRefused() throws Exception {
        for (List<CredentialRepresentation> held : List.of(List.<CredentialRepresentation>of(), List.of(PasswordlessKey.credential("passkey")))) {
            TestEntra.EntraUser entraUser = new TestEntra.EntraUser(TENANT, TestEntra.newGuid(), "nofactor-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.com");
            String id = declare(entraUser.upn(), held);
            UserRepresentation rep = eam.admin().users().get(id).toRepresentation();
            rep.setAttributes(Map.of("entra_tid", List.of(TENANT), "entra_oid", List.of(entraUser.objectId()),
                    "entra_key", List.of(TENANT + ":" + entraUser.objectId())));
            eam.admin().users().get(id).update(rep);
            List<String> types = held.stream().map(CredentialRepresentation::getType).toList();
            assertEquals(types, eam.admin().users().get(id).credentials().stream().map(CredentialRepresentation::getType).toList());
            try (PersonBrowser browser = browser()) {
                PersonBrowser.Page page = entraSignIn(browser, entraUser).page();
                assertNull(page.redirect());
                assertFalse(page.hasForm("kc-totp-settings-form"), "no enrollment here");
                assertTrue(page.text().contains("no POCLAB authenticator"), types + ": " + page.text());
            }
            assertEquals(types, eam.admin().users().get(id).credentials().stream().map(CredentialRepresentation::getType).toList(),
                    "nothing enrolled");
            assertTrue(eam.admin().users().get(id).getUserSessions().isEmpty());
            assertTrue(events("LOGIN_ERROR", id).stream().anyMatch(e -> "poclab_factor_not_enrolled".equals(e.getError())), types.toString());
        }
    }

    @Test
    @DisplayName("An admin turns account console sign-in on from the Entra card (secret write-only, admin event without it); a person then signs in through it")
    void anAdminTurnsOnAccountConsoleSignInOnTheIntegrationsPage() throws Exception {
        EntraAccountProvider.remove(eam.admin());
        TestEntra.AppRegistration app = entra.registerApp(urls.getBase() + "/realms/eam/broker/entra/endpoint");
        try (RawBrowser admin = new RawBrowser(urls.getBase())) {
            RawBrowser.Page login = admin.get(integrationsPage());
            RawBrowser.Page page = admin.submit(login, login.form("#kc-form-login"), Map.of("username", "admin", "password", "admin"));
            assertTrue(page.doc().getElementById("entra-account-status").text().startsWith("Off"), page.body());
            assertEquals(urls.getBase() + "/realms/eam/broker/entra/endpoint", page.doc().getElementById("entra-account-redirect-uri").text(),
                    "the redirect URI to paste into the app registration");

            // A realm eam without the account flows (imported by an earlier version) and a tenant off the allow-list: both
            // errors shown, each under its own field.
            AuthenticationFlowRepresentation linkFlow = eam.admin().flows().getFlows().stream()
                    .filter(flow -> "poclab entra account link".equals(flow.getAlias())).findFirst().orElseThrow();
            linkFlow.setAlias("poclab entra account link renamed");
            eam.admin().flows().updateFlow(linkFlow.getId(), linkFlow);
            try {
                RawBrowser.Page noFlows = admin.submit(page, page.form("#entra-account-form"), Map.of("account_tenant", TestEntra.newGuid(),
                        "account_client_id", app.clientId(), "account_secret", app.clientSecret()));
                assertEquals(400, noFlows.status(), noFlows.body());
                assertTrue(noFlows.doc().getElementById("accountTenant-error").text().contains("not in the Entra tenant ID list"), noFlows.body());
                assertTrue(noFlows.doc().getElementById("accountFlows-error").text().contains("lacks the flows"), noFlows.body());
                page = noFlows;
            } finally {
                linkFlow.setAlias("poclab entra account link");
                eam.admin().flows().updateFlow(linkFlow.getId(), linkFlow);
            }

            // A tenant that is not on the EAM allow-list, or no secret: refused with the reason, nothing created.
            RawBrowser.Page refused = admin.submit(page, page.form("#entra-account-form"), Map.of("account_tenant", TestEntra.newGuid(),
                    "account_client_id", app.clientId(), "account_secret", ""));
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.doc().getElementById("accountTenant-error").text().contains("not in the Entra tenant ID list"), refused.body());
            assertTrue(refused.doc().getElementById("accountSecret-error").text().contains("client secret"), refused.body());
            assertTrue(eam.admin().identityProviders().findAll().stream().noneMatch(idp -> EntraAccountProvider.ALIAS.equals(idp.getAlias())));

            RawBrowser.Page saved = admin.submit(refused, refused.form("#entra-account-form"), Map.of("account_tenant", TENANT,
                    "account_client_id", app.clientId(), "account_secret", app.clientSecret()));
            assertEquals(200, saved.status(), saved.body());
            assertTrue(saved.doc().getElementById("entra-account-status").text().startsWith("On"), saved.body());
            assertEquals("IMPORT", eam.admin().identityProviders().get(EntraAccountProvider.ALIAS).toRepresentation().getConfig().get("syncMode"),
                    "sync mode Import: the broker writes none of POCLAB's attributes");
            assertFalse(saved.body().contains(app.clientSecret()), "the secret is never shown");
            RawBrowser.Page reloaded = admin.get(integrationsPage());
            assertFalse(reloaded.body().contains(app.clientSecret()), "nor after a reload");
            assertEquals("", reloaded.form("#entra-account-form").selectFirst("input[name=account_secret]").val());
            assertEquals(app.clientId(), reloaded.form("#entra-account-form").selectFirst("input[name=account_client_id]").val());

            // Saving again with the secret field empty keeps the stored secret.
            assertEquals(200, admin.submit(reloaded, reloaded.form("#entra-account-form"), Map.of("account_tenant", TENANT,
                    "account_client_id", app.clientId(), "account_secret", "")).status());

            // An admin disables the provider in the admin console (README: that closes the account console); a later
            // save on the card, here of the secret, keeps it disabled.
            setProviderEnabled(false);
            RawBrowser.Page closed = admin.get(integrationsPage());
            assertTrue(closed.doc().getElementById("entra-account-status").text().contains("disabled"), closed.body());
            RawBrowser.Page resaved = admin.submit(closed, closed.form("#entra-account-form"), Map.of("account_tenant", TENANT,
                    "account_client_id", app.clientId(), "account_secret", app.clientSecret()));
            assertEquals(200, resaved.status(), resaved.body());
            assertFalse(eam.admin().identityProviders().get(EntraAccountProvider.ALIAS).toRepresentation().isEnabled(),
                    "the save does not reopen the account console");
            assertTrue(resaved.doc().getElementById("entra-account-status").text().contains("disabled"), resaved.body());
            assertTrue(resaved.doc().getElementById("integrations-notice").text().contains("stays disabled"), resaved.body());
            setProviderEnabled(true);
        }
        assertTrue(eam.admin().getAdminEvents(null, null, null, null, null, null, null, null, 0, 10_000).stream()
                .filter(e -> "IDENTITY_PROVIDER".equals(e.getResourceType())).peek(e -> assertFalse(
                        e.getRepresentation() != null && e.getRepresentation().contains(app.clientSecret()), "no secret in admin events"))
                .anyMatch(e -> "CREATE".equals(e.getOperationType())), "the page's change is an admin event");

        // The provider the page made works: Entra (checking the secret, PKCE and redirect URI), then the person's TOTP.
        Person person = enrollThroughEntra();
        try (PersonBrowser browser = browser()) {
            SignIn signIn = startSignIn(browser, person.entraUser());
            token(signIn, browser.submit(signIn.page().form("kc-otp-login-form"), Map.of("otp", person.phone().nextCode())));
        }
    }

    @Test
    @DisplayName("An ID token signed by a key Entra does not publish, or from a tenant off the EAM allow-list -> refused, no factor asked, no session, no link")
    void entraSignInsPoclabCannotTrustAreRefused() throws Exception {
        Person person = enrollThroughEntra();
        try (ServerLog log = ServerLog.capture(); PersonBrowser browser = browser()) {
            entra.signIdTokensWith(TestEntra.unpublishedKey("rogue-" + TestEntra.randomBase64(8)));
            PersonBrowser.Page page = entraSignIn(browser, person.entraUser()).page();
            assertNull(page.redirect(), "no way back to the account console");
            assertFalse(page.hasForm("kc-otp-login-form"), "Keycloak's broker refuses the signature: " + page.text());
            assertTrue(log.awaitLine("token signature validation failed", 5000), "Keycloak says why");
        } finally {
            entra.signIdTokensWith(null);
        }
        PoclabEam.configure(eam.admin(), Map.of("entra.tenants", TestEntra.newGuid()));
        try (PersonBrowser browser = browser()) {
            PersonBrowser.Page page = entraSignIn(browser, person.entraUser()).page();
            assertNull(page.redirect());
            assertFalse(page.hasForm("kc-otp-login-form"));
            assertTrue(page.text().contains("cannot accept this Microsoft Entra sign-in"), page.text());
        } finally {
            PoclabEam.trust(eam.admin(), entra, TENANT);
        }
        assertTrue(eam.admin().users().get(person.id()).getFederatedIdentity().isEmpty(), "not linked");
        assertTrue(eam.admin().users().get(person.id()).getUserSessions().isEmpty(), "no session");
        List<EventRepresentation> refused = eam.admin().getEvents(List.of("LOGIN_ERROR"), "account-console", null, null, null, null, 0, 200);
        assertTrue(refused.stream().anyMatch(e -> "poclab_entra_token_untrusted".equals(e.getError())
                && e.getDetails().get("reason").contains("allow-list")), describe(refused));
    }

    @Test
    @DisplayName("A provider an admin set up otherwise than the Integrations page (signature validation off, the JWKS or the token"
            + " endpoint of somewhere else) -> refused even though Keycloak's broker accepted the token; no factor, no link, no session")
    void aProviderPointedElsewhereLinksNobody() throws Exception {
        Person person = enrollThroughEntra();
        String tenantBase = entra.authority() + "/" + TENANT;
        // Each works for Keycloak's broker against this Entra; none is what the Integrations page writes.
        Map<String, Map<String, String>> variants = Map.of(
                "does not validate signatures", Map.of("validateSignature", "false"),
                "JWKS URL is not", Map.of("jwksUrl", entra.authority() + "/common/discovery/v2.0/keys"),
                "token URL is not", Map.of("tokenUrl", tenantBase.replace("127.0.0.1", "localhost") + "/oauth2/v2.0/token"));
        long started = System.currentTimeMillis();
        for (Map.Entry<String, Map<String, String>> variant : variants.entrySet()) {
            IdentityProviderRepresentation idp = EntraAccountProvider.representation(entra.authority(), TENANT, app.clientId(), app.clientSecret());
            idp.getConfig().putAll(variant.getValue());
            EntraAccountProvider.configure(eam.admin(), idp);
            boolean unsigned = "false".equals(variant.getValue().get("validateSignature"));
            // Without signature validation Keycloak takes even a token signed by a key the tenant never published.
            entra.signIdTokensWith(unsigned ? TestEntra.unpublishedKey("rogue-" + TestEntra.randomBase64(8)) : null);
            try (PersonBrowser browser = browser()) {
                PersonBrowser.Page page = entraSignIn(browser, person.entraUser()).page();
                assertNull(page.redirect(), variant.getKey() + ": no way back to the account console");
                assertFalse(page.hasForm("kc-otp-login-form"), variant.getKey() + ": no factor asked: " + page.text());
                assertTrue(page.text().contains("cannot accept this Microsoft Entra sign-in"), variant.getKey() + ": " + page.text());
            } finally {
                entra.signIdTokensWith(null);
            }
        }
        assertTrue(eam.admin().users().get(person.id()).getFederatedIdentity().isEmpty(), "not linked");
        assertTrue(eam.admin().users().get(person.id()).getUserSessions().isEmpty(), "no session");
        List<EventRepresentation> refused = eam.admin().getEvents(List.of("LOGIN_ERROR"), "account-console", null, null, null, null, 0, 200)
                .stream().filter(e -> e.getTime() >= started && "poclab_entra_token_untrusted".equals(e.getError())).toList();
        for (String reason : variants.keySet()) {
            assertTrue(refused.stream().anyMatch(e -> e.getDetails().get("reason").contains(reason)), reason + ": " + describe(refused));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** An account console sign-in in progress: the PKCE verifier and the page the browser shows now. */
    private record SignIn(String verifier, PersonBrowser.Page page) {
    }

    /** The account console's sign-in (code + PKCE) up to Entra's answer, whatever Keycloak shows next. */
    private SignIn entraSignIn(PersonBrowser browser, TestEntra.EntraUser user) throws Exception {
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.US_ASCII));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        PersonBrowser.Page toEntra = browser.open(urls.getBase() + "/realms/eam/protocol/openid-connect/auth?client_id=account-console"
                + "&response_type=code&scope=openid&redirect_uri=" + enc(accountUrl()) + "&state=s1&code_challenge=" + challenge
                + "&code_challenge_method=S256");
        assertNotNull(toEntra.redirect(), "the account console sends the person to Entra: " + toEntra.text());
        assertTrue(toEntra.redirect().toString().startsWith(entra.authority() + "/" + TENANT + "/oauth2/v2.0/authorize?"), toEntra.redirect().toString());
        entra.signInNext(user);
        PersonBrowser.Page back = browser.open(toEntra.redirect().toString());
        assertEquals(List.of(), entra.refusals(), "the test Entra accepted Keycloak's requests");
        return new SignIn(verifier, back);
    }

    /** As {@link #entraSignIn}, for a person who must then be asked their factor. */
    private SignIn startSignIn(PersonBrowser browser, TestEntra.EntraUser user) throws Exception {
        SignIn signIn = entraSignIn(browser, user);
        assertTrue(signIn.page().hasForm("kc-otp-login-form"), "the TOTP form after Entra: " + signIn.page().text());
        return signIn;
    }

    /** The account console's code, redeemed as the console does: its access token. */
    private String token(SignIn signIn, PersonBrowser.Page done) throws Exception {
        assertNotNull(done.redirect(), "back to the account console, page was: " + done.text());
        assertTrue(done.redirect().toString().startsWith(accountUrl()), done.redirect().toString());
        String code = done.redirectParams().get("code");
        assertNotNull(code, done.redirect().toString());
        HttpResponse<String> tokenResponse = http().send(HttpRequest.newBuilder(URI.create(urls.getBase() + "/realms/eam/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=account-console&code=" + enc(code)
                        + "&redirect_uri=" + enc(accountUrl()) + "&code_verifier=" + signIn.verifier())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tokenResponse.statusCode(), tokenResponse.body());
        return JSON.readTree(tokenResponse.body()).get("access_token").asText();
    }

    /** The account console's "Set up authenticator application": kc_action=CONFIGURE_TOTP in the signed-in browser. */
    private TotpDevice addPhone(PersonBrowser browser, String label) throws Exception {
        PersonBrowser.Page setup = browser.open(urls.getBase() + "/realms/eam/protocol/openid-connect/auth?client_id=account-console"
                + "&response_type=code&scope=openid&redirect_uri=" + enc(accountUrl()) + "&state=s2&kc_action=CONFIGURE_TOTP"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        Element form = setup.form("kc-totp-settings-form");
        TotpDevice phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
        PersonBrowser.Page done = browser.submit(form, Map.of("totp", phone.nextCode(), "userLabel", label));
        assertNotNull(done.redirect(), "back to the account console: " + done.text());
        assertEquals("success", done.redirectParams().get("kc_action_status"), done.redirect().toString());
        return phone;
    }

    /** The person's OTP credentials by label, as GET /realms/eam/account/credentials lists them. */
    private Map<String, String> accountOtpIds(String accessToken) throws Exception {
        HttpResponse<String> listed = http().send(HttpRequest.newBuilder(URI.create(accountUrl() + "credentials"))
                .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, listed.statusCode(), listed.body());
        Map<String, String> ids = new TreeMap<>();
        for (JsonNode type : JSON.readTree(listed.body())) {
            if ("otp".equals(type.get("type").asText())) {
                for (JsonNode metadata : type.get("userCredentialMetadatas")) {
                    JsonNode credential = metadata.get("credential");
                    ids.put(credential.get("userLabel").asText(), credential.get("id").asText());
                }
            }
        }
        return ids;
    }

    /** First-use enrollment through an Entra EAM verification: TOTP, then the recovery codes, saved. */
    private Person enrollThroughEntra() throws Exception {
        String oid = TestEntra.newGuid();
        TestEntra.HintBuilder hint = entra.hint(TENANT, oid);
        TotpDevice phone;
        try (Browser browser = new Browser(urls.getBase())) {
            Browser.Page setup = browser.post(urls.getBase() + "/realms/eam/protocol/openid-connect/auth", PoclabEam.entraRequest(hint.build()));
            Element form = setup.form("#kc-totp-settings-form");
            phone = new TotpDevice(form.selectFirst("input[name=totpSecret]").attr("value"));
            Browser.Page codes = browser.submit(setup, form, Map.of("totp", phone.nextCode(), "userLabel", "phone"));
            assertNotNull(RecoveryCodes.save(browser, codes).formPostTo(TestEntra.REDIRECT_URI).get("id_token"));
        }
        String id = eam.admin().users().searchByAttributes("entra_key:" + TENANT + ":" + oid).get(0).getId();
        return new Person(new TestEntra.EntraUser(TENANT, oid, String.valueOf(hint.claimValue("preferred_username"))), id, phone);
    }

    private String declare(String upn) {
        return declare(upn, List.of());
    }

    private String declare(String upn, List<CredentialRepresentation> credentials) {
        UserRepresentation user = new UserRepresentation();
        user.setCredentials(credentials.isEmpty() ? null : credentials);
        user.setUsername(upn);
        user.setEmail(upn);
        user.setEnabled(true);
        try (Response created = eam.admin().users().create(user)) {
            return CreatedResponseUtil.getCreatedId(created);
        }
    }

    /** The admin console's Enabled switch of the identity provider {@code entra}. */
    private void setProviderEnabled(boolean enabled) {
        IdentityProviderRepresentation idp = eam.admin().identityProviders().get(EntraAccountProvider.ALIAS).toRepresentation();
        idp.setEnabled(enabled);
        eam.admin().identityProviders().get(EntraAccountProvider.ALIAS).update(idp);
    }

    private List<EventRepresentation> events(String type, String userId) {
        return eam.admin().getEvents(List.of(type), null, userId, null, null, null, 0, 100);
    }

    private static String describe(List<EventRepresentation> events) {
        return events.stream().map(e -> e.getType() + " " + e.getClientId() + " " + e.getError() + " " + e.getDetails()).toList().toString();
    }

    private PersonBrowser browser() {
        String realm = urls.getBase() + "/realms/eam/";
        // Follows Keycloak's own redirects (login, broker, login actions) and stops at Entra and at the account console.
        return new PersonBrowser(target -> target.toString().startsWith(realm) && !target.toString().startsWith(accountUrl()));
    }

    private String integrationsPage() {
        return urls.getBase() + "/realms/master/poclab-integrations/";
    }

    private String accountUrl() {
        return urls.getBase() + "/realms/eam/account/";
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
