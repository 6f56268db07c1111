package com.poclab.trust.eam.mapper;

import java.util.ArrayList;
import java.util.List;

import com.poclab.trust.common.PoclabNotes;
import com.poclab.trust.eam.EamConstants;
import com.poclab.trust.eam.claims.ClaimsRequest;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * The id_token Entra accepts as the MFA (contract section 4): {@code sub} equal to the hint's
 * {@code sub}, {@code acr} one requested value, {@code amr} exactly one value naming the
 * factor used in this flow, and {@code tid}/{@code oid}/{@code preferred_username} echoed.
 * Runs after Keycloak's own mappers (priority) so nothing overwrites these claims.
 */
public class EamClaimsMapper extends AbstractOIDCProtocolMapper implements OIDCIDTokenMapper {

    public static final String PROVIDER_ID = "poclab-eam-claims-mapper";
    private static final Logger LOG = Logger.getLogger(EamClaimsMapper.class);

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "POCLAB Entra EAM claims";
    }

    @Override
    public String getHelpText() {
        return "ID token claims of the Entra External Authentication Method: sub from the hint, acr, amr (one value), tid, oid, preferred_username.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return new ArrayList<>();
    }

    @Override
    public int getPriority() {
        return 200;
    }

    @Override
    public IDToken transformIDToken(IDToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                    UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        AuthenticatedClientSessionModel clientSession = clientSessionCtx.getClientSession();
        String sub = clientSession.getNote(EamConstants.NOTE_SUB);
        String amr = clientSession.getNote(PoclabNotes.FACTOR_AMR);
        if (sub == null || amr == null) {
            // Not an EAM verification of this flow: leave the token without EAM claims, Entra will refuse it.
            LOG.warnf("EAM claims missing for user session %s: no hint subject or factor recorded", userSession.getId());
            return token;
        }
        token.setSubject(sub);
        token.getOtherClaims().put("amr", List.of(amr));
        token.setAcr(acr(clientSession.getNote(OIDCLoginProtocol.CLAIMS_PARAM)));
        token.getOtherClaims().put("tid", clientSession.getNote(EamConstants.NOTE_TID));
        token.getOtherClaims().put("oid", clientSession.getNote(EamConstants.NOTE_OID));
        String preferred = clientSession.getNote(EamConstants.NOTE_PREFERRED_USERNAME);
        if (preferred != null) {
            token.getOtherClaims().put("preferred_username", preferred);
        }
        return token;
    }

    private static String acr(String claimsParameter) {
        try {
            // The hint authenticator refused any request without a satisfiable acr.
            return ClaimsRequest.parse(claimsParameter).acrFor().orElse(ClaimsRequest.POSSESSION_ACRS.get(0));
        } catch (ClaimsRequest.InvalidClaimsRequest e) {
            return ClaimsRequest.POSSESSION_ACRS.get(0);
        }
    }
}
