package com.poclab.trust.common.enrollment;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.LoginActionsService;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/poclab-enrollment}: an admin makes a one-time enrollment link
 * for a person, to copy ({@code link}) or to have Keycloak email it ({@code send}).
 * Keycloak's admin API only emails its execute-actions link, which stays usable until it
 * expires; this one is single use and can also be handed over another way.
 * Permission: manage-users on the person (Keycloak's admin permissions, as for execute-actions-email).
 */
public class EnrollmentLinkResource {

    private static final Logger LOG = Logger.getLogger(EnrollmentLinkResource.class);
    /** Upper bound of the {@code lifespan} parameter: 30 days. */
    static final int MAX_LIFESPAN_SECONDS = (int) Duration.ofDays(30).toSeconds();

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    public EnrollmentLinkResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.USER);
    }

    /** A link for the admin to copy: {@code {link, expiresAt, factor}}. */
    @POST
    @Path("users/{userId}/link")
    @Produces(MediaType.APPLICATION_JSON)
    public Response link(@PathParam("userId") String userId, @QueryParam("factor") String factor,
                         @QueryParam("lifespan") String lifespan) {
        Issued issued = issue(managedPerson(userId), factor, lifespan);
        record(issued, "copied");
        Map<String, Object> body = issued.summary();
        body.put("link", issued.link());
        return Response.ok(body).build();
    }

    /**
     * The same link emailed to the person's address by Keycloak: {@code {sentTo, expiresAt, factor}}.
     * No link is made when it cannot be sent: no address (400), no email settings in the realm (409).
     * When the realm's SMTP server refuses or cannot be reached the answer is 502: the request and the
     * realm are fine, the mail server the realm names is the upstream that failed, and nothing was
     * sent, so the admin may fix the server and retry (Keycloak's own execute-actions-email says 500).
     */
    @POST
    @Path("users/{userId}/send")
    @Produces(MediaType.APPLICATION_JSON)
    public Response send(@PathParam("userId") String userId, @QueryParam("factor") String factor,
                         @QueryParam("lifespan") String lifespan) {
        UserModel user = managedPerson(userId);
        if (user.getEmail() == null || user.getEmail().isBlank()) {
            throw refused(user, "the person has no email address: copy the link instead", Response.Status.BAD_REQUEST);
        }
        Map<String, String> smtp = realm.getSmtpConfig();
        String host = smtp == null ? null : smtp.get("host");
        String from = smtp == null ? null : smtp.get("from");
        if (host == null || host.isBlank() || from == null || from.isBlank()) {
            throw refused(user, "realm " + realm.getName() + " has no email settings (" + (host == null || host.isBlank() ? "no SMTP host" : "no sender address")
                    + "): set them in Realm settings > Email, or copy the link instead", Response.Status.CONFLICT);
        }
        Issued issued = issue(user, factor, lifespan);
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setAttribute(Constants.TEMPLATE_ATTR_REQUIRED_ACTIONS, List.of(issued.factor().requiredAction()))
                    .setAttribute(Constants.IGNORE_ACCEPT_LANGUAGE_HEADER, true)
                    .setRealm(realm)
                    .setUser(user)
                    .sendExecuteActions(issued.link(), TimeUnit.SECONDS.toMinutes(issued.lifespan()));
        } catch (EmailException e) {
            String reason = e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            throw refused(user, "the mail server of realm " + realm.getName() + " (" + host + ") did not take the enrollment email ("
                    + reason + "); link " + issued.tokenId() + " was not sent: check Realm settings > Email", Response.Status.BAD_GATEWAY);
        }
        record(issued, "emailed");
        Map<String, Object> body = issued.summary();
        body.put("sentTo", user.getEmail());
        return Response.ok(body).build();
    }

    /** Logs why a link was not made or not sent (never the link) and returns the admin's JSON answer. */
    private ErrorResponseException refused(UserModel user, String reason, Response.Status status) {
        LOG.warnf("Enrollment link for user %s in realm %s refused (%d): %s", user.getId(), realm.getName(), status.getStatusCode(), reason);
        return ErrorResponse.error("Enrollment link not sent: " + reason, status);
    }

    private record Issued(UserModel user, EnrollmentFactor factor, int lifespan, int expiresAt, String tokenId, String link) {

        Map<String, Object> summary() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("factor", factor.value());
            body.put("expiresAt", Instant.ofEpochSecond(expiresAt).toString());
            return body;
        }
    }

    /** The person, if the caller may manage them (Keycloak's admin permissions): 404 / 403 otherwise. */
    private UserModel managedPerson(String userId) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            auth.users().requireQuery();
            throw new NotFoundException("No such person in realm " + realm.getName());
        }
        auth.users().requireManage(user);
        return user;
    }

    private Issued issue(UserModel user, String factorName, String lifespan) {
        EnrollmentFactor factor = EnrollmentFactor.parse(factorName).orElseThrow(() ->
                ErrorResponse.error("Unknown factor '" + factorName + "': use otp or passkey", Response.Status.BAD_REQUEST));
        if (!user.isEnabled()) {
            throw ErrorResponse.error("The person is disabled: enable them before sending an enrollment link", Response.Status.BAD_REQUEST);
        }
        int seconds = lifespanSeconds(lifespan);
        ClientModel account = realm.getClientByClientId(Constants.ACCOUNT_MANAGEMENT_CLIENT_ID);
        if (account == null || !account.isEnabled()) {
            throw ErrorResponse.error("Realm " + realm.getName() + " has no enabled '" + Constants.ACCOUNT_MANAGEMENT_CLIENT_ID
                    + "' client, which Keycloak's action links are issued for", Response.Status.BAD_REQUEST);
        }
        int expiresAt = Time.currentTime() + seconds;
        EnrollmentLinkToken token = new EnrollmentLinkToken(user.getId(), user.getEmail(), expiresAt, factor, account.getClientId());
        String serialized = token.serialize(session, realm, session.getContext().getUri());
        String link = LoginActionsService.actionTokenProcessor(session.getContext().getUri())
                .queryParam(Constants.KEY, serialized)
                .build(realm.getName()).toString();
        return new Issued(user, factor, seconds, expiresAt, token.getId(), link);
    }

    /**
     * {@code lifespan} in seconds, 1 to {@link #MAX_LIFESPAN_SECONDS}; absent means the realm's
     * "admin-initiated action" lifespan. Taken as text so that a non-number is a clear 400, not JAX-RS's 404.
     */
    private int lifespanSeconds(String lifespan) {
        String range = "lifespan must be a number of seconds between 1 and " + MAX_LIFESPAN_SECONDS;
        if (lifespan == null || lifespan.isBlank()) {
            int realmDefault = realm.getActionTokenGeneratedByAdminLifespan();
            if (realmDefault < 1 || realmDefault > MAX_LIFESPAN_SECONDS) {
                throw ErrorResponse.error("The realm's admin action lifespan (" + realmDefault + " s) is outside what an enrollment link allows: pass "
                        + range, Response.Status.BAD_REQUEST);
            }
            return realmDefault;
        }
        long seconds;
        try {
            seconds = Long.parseLong(lifespan.trim());
        } catch (NumberFormatException e) {
            throw ErrorResponse.error(range + ", not '" + lifespan + "'", Response.Status.BAD_REQUEST);
        }
        if (seconds < 1 || seconds > MAX_LIFESPAN_SECONDS) {
            throw ErrorResponse.error(range, Response.Status.BAD_REQUEST);
        }
        return (int) seconds;
    }

    /** Admin event: who made a link for whom, which factor, until when, how delivered (never the link itself). */
    private void record(Issued issued, String delivery) {
        Map<String, Object> representation = issued.summary();
        representation.put("delivery", delivery);
        representation.put("linkId", issued.tokenId());
        adminEvent.operation(OperationType.ACTION)
                .resourcePath(session.getContext().getUri())
                .representation(representation)
                .success();
    }
}
