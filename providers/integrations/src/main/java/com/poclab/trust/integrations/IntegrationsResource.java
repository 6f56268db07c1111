package com.poclab.trust.integrations;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import com.poclab.trust.integrations.access.CsrfToken;
import com.poclab.trust.integrations.access.PageAdmin;
import com.poclab.trust.integrations.access.SignInClient;
import com.poclab.trust.integrations.entra.EntraCard;
import com.poclab.trust.integrations.okta.OktaCard;
import com.poclab.trust.integrations.people.PeopleUpload;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.http.FormPartValue;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /realms/master/poclab-integrations/}: the Integrations page (../shared/seed/integrations-page.txt).
 * GET shows both cards; each POST changes one thing and answers with the page. Every POST
 * needs the signed-in admin's form token ({@link CsrfToken}) and is an admin event in the
 * changed realm's event log.
 */
public class IntegrationsResource {

    private static final Logger LOG = Logger.getLogger(IntegrationsResource.class);
    private static final String TEMPLATE = "poclab-integrations.ftl";
    /** Single-use marker of the form that generated a secret: a reload must not silently regenerate it. */
    private static final String ONCE_FIELD = "once";
    private static final long ONCE_LIFESPAN_SECONDS = 3600;

    private final KeycloakSession session;
    private final RealmModel master;

    public IntegrationsResource(KeycloakSession session) {
        this.session = session;
        this.master = session.getContext().getRealm();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page() {
        PageAdmin admin = signedIn();
        if (admin == null) {
            return signIn();
        }
        if (session.getContext().getUri().getQueryParameters().containsKey(OAuth2Constants.CODE)) {
            // Back from Keycloak's login: the identity cookie is what counts; drop code and state from the address bar.
            return Response.seeOther(pageUri()).build();
        }
        if (!admin.mayUsePage()) {
            return forbidden(admin, "integrations.forbidden");
        }
        return render(admin, new Page(admin), Response.Status.OK);
    }

    @POST
    @Path("entra")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response saveEntra() {
        return change(true, (admin, form) -> {
            Page page = new Page(admin);
            if (page.entra.save(form.getFirst("tenants"), form.getFirst("app_id"))) {
                adminEvent(admin, page.entra.realm()).operation(OperationType.UPDATE).resource(ResourceType.AUTHENTICATOR_CONFIG)
                        .resourcePath("authentication", "config", page.entra.settings().getId())
                        .representation(ModelToRepresentation.toRepresentation(page.entra.settings())).success();
                page.notice = "integrations.entra.saved";
                return render(admin, page, Response.Status.OK);
            }
            return render(admin, page, Response.Status.BAD_REQUEST);
        });
    }

    @POST
    @Path("entra/account")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response saveEntraAccountSignIn() {
        return change(true, (admin, form) -> {
            Page page = new Page(admin);
            boolean created = !page.entra.getAccount().isConfigured();
            IdentityProviderRepresentation saved = page.entra.saveAccountSignIn(form.getFirst("account_tenant"),
                    form.getFirst("account_client_id"), form.getFirst("account_secret"));
            if (saved != null) {
                adminEvent(admin, page.entra.realm()).operation(created ? OperationType.CREATE : OperationType.UPDATE)
                        .resource(ResourceType.IDENTITY_PROVIDER).resourcePath("identity-provider", "instances", saved.getAlias())
                        .representation(saved).success();
                page.notice = saved.isEnabled() ? "integrations.entra.account.saved" : "integrations.entra.account.savedDisabled";
                return render(admin, page, Response.Status.OK);
            }
            return render(admin, page, Response.Status.BAD_REQUEST);
        });
    }

    @POST
    @Path("entra/check")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response checkEntra() {
        return change(true, (admin, form) -> {
            Page page = new Page(admin);
            page.entra.check(session);
            return render(admin, page, Response.Status.OK);
        });
    }

    @POST
    @Path("okta")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response saveOkta() {
        return change(false, (admin, form) -> {
            Page page = new Page(admin);
            if (page.okta.save(session, form.getFirst("org_url"), form.getFirst("custom_domains"))) {
                AdminEventBuilder event = adminEvent(admin, page.okta.realm());
                event.operation(OperationType.UPDATE).resource(ResourceType.AUTHENTICATOR_CONFIG)
                        .resourcePath("authentication", "config", page.okta.settings().getId())
                        .representation(ModelToRepresentation.toRepresentation(page.okta.settings())).success();
                ClientRepresentation redirects = new ClientRepresentation();
                redirects.setId(page.okta.client().getId());
                redirects.setClientId(page.okta.client().getClientId());
                redirects.setRedirectUris(List.copyOf(page.okta.client().getRedirectUris()));
                adminEvent(admin, page.okta.realm()).operation(OperationType.UPDATE).resource(ResourceType.CLIENT)
                        .resourcePath("clients", page.okta.client().getId()).representation(redirects).success();
                page.notice = "integrations.okta.saved";
                return render(admin, page, Response.Status.OK);
            }
            return render(admin, page, Response.Status.BAD_REQUEST);
        });
    }

    @POST
    @Path("okta/secret")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response regenerateOktaSecret() {
        return change(false, (admin, form) -> {
            Page page = new Page(admin);
            String once = form.getFirst(ONCE_FIELD);
            if (once == null || once.isBlank() || !session.singleUseObjects().putIfAbsent("poclab-integrations.once." + once, ONCE_LIFESPAN_SECONDS)) {
                page.notice = "integrations.okta.secretNotRegenerated";
                return render(admin, page, Response.Status.CONFLICT);
            }
            page.okta.regenerateSecret(session);
            // Like the admin console's regenerate, minus the representation: the secret stays out of the event log.
            adminEvent(admin, page.okta.realm()).operation(OperationType.ACTION).resource(ResourceType.CLIENT)
                    .resourcePath("clients", page.okta.client().getId(), "client-secret").success();
            LOG.infof("Okta client secret of realm %s regenerated by %s", page.okta.realm().getName(), admin.user().getUsername());
            page.notice = "integrations.okta.secretGenerated";
            return render(admin, page, Response.Status.OK);
        });
    }

    @POST
    @Path("okta/check")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response checkOkta() {
        return change(false, (admin, form) -> {
            Page page = new Page(admin);
            page.okta.check(session);
            return render(admin, page, Response.Status.OK);
        });
    }

    /**
     * The people upload of a card: the CSV of {@code POST /admin/realms/{realm}/poclab-people/import},
     * with the same rules and report ({@link PeopleUpload}). Needs manage-users on that realm.
     */
    @POST
    @Path("people/{realm}")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.TEXT_HTML)
    public Response importPeople(@PathParam("realm") String realmName) {
        PageAdmin admin = signedIn();
        if (admin == null) {
            return signIn();
        }
        MultivaluedMap<String, FormPartValue> form = session.getContext().getHttpRequest().getMultiPartFormParameters();
        FormPartValue csrf = form.getFirst(CsrfToken.FORM_FIELD);
        if (!CsrfToken.matches(session, master, admin.userSession(), csrf == null ? null : csrf.asString())) {
            return forbidden(admin, "integrations.csrfRefused");
        }
        RealmModel realm = IntegrationsConstants.EAM_REALM.equals(realmName) || IntegrationsConstants.OKTA_REALM.equals(realmName)
                ? session.realms().getRealmByName(realmName) : null;
        if (realm == null || !PeopleUpload.mayImport(session, realm, admin.auth())) {
            return forbidden(admin, "integrations.people.forbidden");
        }
        Page page = new Page(admin);
        page.people = PeopleUpload.run(session, realm, form.getFirst(PeopleUpload.FILE_FIELD), adminEvent(admin, realm));
        return render(admin, page, page.people.status());
    }

    /** What the page shows for one request. */
    private final class Page {
        final EntraCard entra;
        final OktaCard okta;
        String notice;
        PeopleUpload people;

        Page(PageAdmin admin) {
            this.entra = admin.canManageEam() ? EntraCard.load(session) : null;
            this.okta = admin.canManageOkta() ? OktaCard.load(session) : null;
        }
    }

    @FunctionalInterface
    private interface Change {
        Response apply(PageAdmin admin, MultivaluedMap<String, String> form);
    }

    /** Sign-in, permission on the card's realm and the form token, before anything changes. */
    private Response change(boolean entraCard, Change change) {
        PageAdmin admin = signedIn();
        if (admin == null) {
            return signIn();
        }
        MultivaluedMap<String, String> form = session.getContext().getHttpRequest().getDecodedFormParameters();
        if (!CsrfToken.matches(session, master, admin.userSession(), form.getFirst(CsrfToken.FORM_FIELD))) {
            return forbidden(admin, "integrations.csrfRefused");
        }
        if (entraCard ? !admin.canManageEam() : !admin.canManageOkta()) {
            return forbidden(admin, "integrations.forbidden");
        }
        return change.apply(admin, form);
    }

    private PageAdmin signedIn() {
        return PageAdmin.signedIn(session, master, session.realms().getRealmByName(IntegrationsConstants.EAM_REALM),
                session.realms().getRealmByName(IntegrationsConstants.OKTA_REALM));
    }

    /** To Keycloak's login through the page's own client, and back to the page. */
    private Response signIn() {
        URI login = OIDCLoginProtocolService.authUrl(session.getContext().getUri().getBaseUriBuilder())
                .queryParam(OAuth2Constants.CLIENT_ID, IntegrationsConstants.SIGN_IN_CLIENT_ID)
                .queryParam(OAuth2Constants.REDIRECT_URI, pageUri().toString())
                .queryParam(OAuth2Constants.RESPONSE_TYPE, OAuth2Constants.CODE)
                .queryParam(OAuth2Constants.SCOPE, OAuth2Constants.SCOPE_OPENID)
                .queryParam(OAuth2Constants.STATE, SecretGenerator.getInstance().randomString())
                .build(master.getName());
        return Response.seeOther(login).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    private URI pageUri() {
        return UriBuilder.fromUri(session.getContext().getUri().getBaseUri()).path(SignInClient.pagePath()).build();
    }

    private URI logoutUri() {
        return OIDCLoginProtocolService.logoutUrl(session.getContext().getUri().getBaseUriBuilder())
                .queryParam(OAuth2Constants.CLIENT_ID, IntegrationsConstants.SIGN_IN_CLIENT_ID)
                .queryParam(OIDCLoginProtocol.POST_LOGOUT_REDIRECT_URI_PARAM, pageUri().toString())
                .build(master.getName());
    }

    private AdminEventBuilder adminEvent(PageAdmin admin, RealmModel realm) {
        return new AdminEventBuilder(realm, admin.auth(), session, session.getContext().getConnection())
                .detail("poclab", IntegrationsConstants.PROVIDER_ID);
    }

    private Response forbidden(PageAdmin admin, String reason) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("refusal", reason);
        return render(admin, attributes, Response.Status.FORBIDDEN);
    }

    private Response render(PageAdmin admin, Page page, Response.Status status) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("csrf", CsrfToken.of(session, master, admin.userSession()));
        attributes.put("once", SecretGenerator.getInstance().randomString());
        if (page.entra != null) {
            attributes.put("entra", page.entra);
        }
        if (page.okta != null) {
            attributes.put("okta", page.okta);
        }
        if (page.notice != null) {
            attributes.put("notice", page.notice);
        }
        attributes.put("peopleEam", page.entra != null && PeopleUpload.mayImport(session, page.entra.realm(), admin.auth()));
        attributes.put("peopleOkta", page.okta != null && PeopleUpload.mayImport(session, page.okta.realm(), admin.auth()));
        if (page.people != null) {
            attributes.put("people", page.people);
        }
        return render(admin, attributes, status);
    }

    private Response render(PageAdmin admin, Map<String, Object> attributes, Response.Status status) {
        // The sign-in client's login theme (poclab) renders the page: Keycloak's theme selector reads it from the context client.
        session.getContext().setClient(SignInClient.of(master));
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class);
        attributes.put("adminName", admin.user().getUsername());
        attributes.put("pageUrl", pageUri().toString());
        attributes.put("logoutUrl", logoutUri().toString());
        attributes.forEach(forms::setAttribute);
        Response response = forms.setStatus(status).createForm(TEMPLATE);
        // The one response that carries a new secret must never be cached or leak through a referrer.
        return Response.fromResponse(response)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Pragma", "no-cache")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
