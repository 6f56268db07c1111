package com.poclab.trust.common;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * {@code amr}: a one-value array naming the POCLAB factor verified in this flow, as
 * recorded by {@link FactorGateAuthenticator}. (Keycloak's own amr mapper would also name
 * factors from earlier SSO sessions.)
 */
public class FactorAmrMapper extends AbstractOIDCProtocolMapper
        implements OIDCIDTokenMapper, OIDCAccessTokenMapper, UserInfoTokenMapper {

    public static final String PROVIDER_ID = "poclab-amr-mapper";
    public static final String AMR = "amr";

    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, FactorAmrMapper.class);
    }

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
        return "POCLAB factor (amr)";
    }

    @Override
    public String getHelpText() {
        return "Adds amr: a one-value array naming the POCLAB factor verified in this flow (otp or fido).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public int getPriority() {
        return 100;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        String amr = clientSessionCtx.getClientSession().getNote(PoclabNotes.FACTOR_AMR);
        if (amr != null) {
            token.getOtherClaims().put(AMR, List.of(amr));
        }
    }
}
