package com.poclab.trust.eam.account;

/** Names of the account console's Entra sign-in in realm {@code eam} (realm export, flows, page, tests). */
public final class EntraAccountConstants {

    /** Alias of realm eam's OIDC identity provider for Microsoft Entra. */
    public static final String IDP_ALIAS = "entra";
    /** Realm eam's browser flow: used by the account console (the EAM client overrides it). */
    public static final String BROWSER_FLOW = "poclab entra account";
    /** First broker login flow of the {@code entra} provider: links the POCLAB person by tid + oid, never creates one. */
    public static final String FIRST_BROKER_LOGIN_FLOW = "poclab entra account link";
    /** Post broker login flow of the {@code entra} provider: the person's existing POCLAB factor, at every sign-in. */
    public static final String POST_BROKER_LOGIN_FLOW = "poclab entra account factor";

    /** Event errors (LOGIN_ERROR, with a {@code reason} detail). */
    public static final String ERROR_NOT_A_PERSON = "poclab_entra_not_a_person";
    public static final String ERROR_UNTRUSTED_TOKEN = "poclab_entra_token_untrusted";
    public static final String ERROR_NOT_CONFIGURED = "poclab_entra_sign_in_not_configured";

    /** Login theme messages. */
    public static final String MSG_NOT_A_PERSON = "poclabEntraAccountNotAPerson";
    public static final String MSG_DISABLED = "poclabEntraAccountDisabled";
    public static final String MSG_OFFBOARDED = "poclabEntraAccountOffboarded";
    public static final String MSG_NO_FACTOR = "poclabEntraAccountNoFactor";
    public static final String MSG_UNTRUSTED = "poclabEntraAccountUntrusted";
    public static final String MSG_NOT_CONFIGURED = "poclabEntraAccountNotConfigured";
    public static final String MSG_LOCKED = "poclabEntraAccountLockedOut";

    private EntraAccountConstants() {
    }
}
