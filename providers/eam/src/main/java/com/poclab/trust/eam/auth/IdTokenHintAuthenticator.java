package com.poclab.trust.eam.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

import jakarta.ws.rs.core.MediaType;

import com.poclab.trust.common.EarlierSession;
import com.poclab.trust.common.PoclabEvents;
import com.poclab.trust.common.ProtocolDenial;
import com.poclab.trust.common.RecoveryCode;
import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.EamSettings;
import com.poclab.trust.eam.claims.ClaimsRequest;
import com.poclab.trust.eam.hint.EntraHint;
import com.poclab.trust.eam.hint.EntraSigningKeys;
import com.poclab.trust.eam.hint.HintRejection;
import com.poclab.trust.eam.hint.HintValidation;
import com.poclab.trust.eam.hint.IdTokenHintValidator;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.events.EventBuilder;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * First step of realm {@code eam}'s flow: validates Entra's {@code id_token_hint}, refuses a
 * replay, checks that the {@code claims} request can be satisfied, and identifies the person
 * by {@code tid} + {@code oid}. Every refusal reaches Entra as {@code error=access_denied}
 * (with {@code state}) at its redirect_uri and the event log as a LOGIN_ERROR with the reason.
 */
public class IdTokenHintAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(IdTokenHintAuthenticator.class);

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        EventBuilder event = context.getEvent();
        String requestId = loggable(authSession.getClientNote(EamConstants.NOTE_CLIENT_REQUEST_ID));
        PoclabEvents.flowDetail(authSession, event, EamConstants.DETAIL_CLIENT_REQUEST_ID, requestId);

        EamSettings settings;
        try {
            settings = EamSettings.from(context.getAuthenticatorConfig(), authSession.getClient().getClientId());
        } catch (IllegalArgumentException e) {
            ProtocolDenial.deny(context, "eam_misconfigured", e.getMessage(), "POCLAB's Entra settings are invalid");
            return;
        }
        settings.enrollmentPolicy().recordIn(authSession);

        ClaimsRequest claims;
        try {
            claims = ClaimsRequest.parse(authSession.getClientNote(OIDCLoginProtocol.CLAIMS_PARAM));
        } catch (ClaimsRequest.InvalidClaimsRequest e) {
            ProtocolDenial.deny(context, "eam_claims_invalid", e.getMessage(), "The claims parameter is invalid: " + e.getMessage());
            return;
        }
        if (claims.acrFor().isEmpty() || !(claims.allowsAmr("otp") || claims.allowsAmr("fido"))) {
            String reason = "Requested acr " + claims.acrValues() + " / amr " + claims.amrValues() + " cannot be met by a possession factor";
            ProtocolDenial.deny(context, "eam_claims_unsatisfiable", reason, reason);
            return;
        }

        IdTokenHintValidator validator = new IdTokenHintValidator(settings.authority(), settings.tenants(),
                settings.appId(), settings.maxAge(), settings.clockSkew(),
                new EntraSigningKeys(context.getSession(), settings.authority()), Clock.systemUTC());
        String rawHint = authSession.getClientNote(EamConstants.NOTE_ID_TOKEN_HINT);
        int droppedLength = rawHint == null ? hintLengthDroppedByKeycloak(context) : 0;
        if (droppedLength > 0) {
            deny(context, HintRejection.TOO_LARGE, HintRejection.TOO_LARGE.description() + " (" + droppedLength
                    + " characters, over Keycloak's add-req-params-max-size)", requestId);
            return;
        }
        HintValidation validation = validator.validate(rawHint);
        if (validation instanceof HintValidation.Rejected rejected) {
            deny(context, rejected.reason(), rejected.describe(), requestId);
            return;
        }
        EntraHint hint = ((HintValidation.Accepted) validation).hint();
        PoclabEvents.flowDetail(authSession, event, EamConstants.DETAIL_TID, hint.tenantId());
        PoclabEvents.flowDetail(authSession, event, EamConstants.DETAIL_OID, hint.objectId());

        long lifespan = settings.maxAge().getSeconds() + 2 * settings.clockSkew().getSeconds();
        String nonce = authSession.getClientNote(OIDCLoginProtocol.NONCE_PARAM);
        if (!firstUse(context.getSession(), "poclab-eam-hint:" + sha256(rawHint.trim()), lifespan)
                || (requestId != null && !firstUse(context.getSession(), "poclab-eam-request:" + sha256(nonce + "|" + requestId), lifespan))) {
            deny(context, HintRejection.REPLAYED, HintRejection.REPLAYED.description(), requestId);
            return;
        }

        EntraPersonResolver.Resolution person = new EntraPersonResolver(context.getSession(), context.getRealm())
                .resolve(hint, settings.enrollmentPolicy());
        if (person.refusal() == EntraPersonResolver.Refusal.OFFBOARDED) {
            ProtocolDenial.deny(context, EamConstants.ERROR_OFFBOARDED, person.reason(),
                    "This person was removed from POCLAB; ask your administrator");
            return;
        }
        if (person.user() == null) {
            String reason = person.refusal() == EntraPersonResolver.Refusal.NOT_PROVISIONED
                    ? "This person is not provisioned in POCLAB (enrollment policy: " + settings.enrollmentPolicy().value() + ")"
                    : person.reason();
            ProtocolDenial.deny(context, "eam_user_not_provisioned", reason,
                    "POCLAB does not know this person; ask your administrator to add you");
            return;
        }
        UserModel user = person.user();
        event.user(user);
        if (!user.isEnabled()) {
            ProtocolDenial.deny(context, "user_disabled", "The POCLAB person is disabled", "This person is disabled in POCLAB");
            return;
        }
        String bruteForce = AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (bruteForce != null) {
            ProtocolDenial.deny(context, bruteForce, "The person is locked out by brute-force protection",
                    "Too many failed attempts; try again later");
            return;
        }

        authSession.setClientNote(EamConstants.NOTE_SUB, hint.subject());
        authSession.setClientNote(EamConstants.NOTE_TID, hint.tenantId());
        authSession.setClientNote(EamConstants.NOTE_OID, hint.objectId());
        if (hint.preferredUsername() != null) {
            authSession.setClientNote(EamConstants.NOTE_PREFERRED_USERNAME, hint.preferredUsername());
        }
        if (person.created() || person.pinned()) {
            // On every later event of the flow too: the LOGIN that ends it says how the person came to be linked.
            PoclabEvents.flowDetail(authSession, event, EamConstants.DETAIL_PERSON,
                    person.created() ? "created on first use" : "declared person pinned to tid+oid");
        }
        EarlierSession.end(context);
        // Entra asks for one verification and keeps no POCLAB session: a transient user session
        // is never stored, so nothing outlives the form_post (no SSO, no session memory per flow).
        authSession.setClientNote(AuthenticationManager.USER_SESSION_PERSISTENT_STATE,
                UserSessionModel.SessionPersistenceState.TRANSIENT.toString());
        // The factor sub-flow opens on the person's first credential: a key they still hold, not their recovery codes.
        RecoveryCode.offeredAfterFactors(user);
        context.setUser(user);
        context.success();
    }

    private static void deny(AuthenticationFlowContext context, HintRejection reason, String description, String requestId) {
        LOG.debugf("EAM request %s refused: %s", requestId, reason);
        ProtocolDenial.deny(context, reason.eventError(), description, description);
    }

    /**
     * Keycloak silently drops a request parameter longer than {@code add-req-params-max-size}:
     * a hint that was sent but not kept is too large, not missing. Read from this request
     * (the authorization request, a form POST or a GET).
     */
    private static int hintLengthDroppedByKeycloak(AuthenticationFlowContext context) {
        String name = EamConstants.NOTE_ID_TOKEN_HINT.substring("client_request_param_".length());
        HttpRequest request = context.getHttpRequest();
        String sent = "POST".equalsIgnoreCase(request.getHttpMethod())
                && MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(request.getHttpHeaders().getMediaType())
                ? request.getDecodedFormParameters().getFirst(name)
                : context.getUriInfo().getQueryParameters().getFirst(name);
        return sent == null ? 0 : sent.length();
    }

    private static boolean firstUse(KeycloakSession session, String key, long lifespanSeconds) {
        return session.singleUseObjects().putIfAbsent(key, lifespanSeconds);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** client-request-id is a GUID; anything else is cut to something safe to log. */
    private static String loggable(String requestId) {
        if (requestId == null) {
            return null;
        }
        String cleaned = requestId.replaceAll("[^A-Za-z0-9-]", "");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
