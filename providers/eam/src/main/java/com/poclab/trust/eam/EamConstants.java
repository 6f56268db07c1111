package com.poclab.trust.eam;

/** Names shared by the EAM authenticator, mapper, realm export and integrations page. */
public final class EamConstants {

    /** The client Entra names as {@code client_id} (realm-export/eam-realm.json), the App ID when none is configured. */
    public static final String CLIENT_ID = "poclab-eam";

    /** Alias of the hint authenticator's config in realm {@code eam}: the realm's EAM settings. */
    public static final String SETTINGS_ALIAS = "poclab-eam-settings";

    public static final String CONFIG_AUTHORITY = "entra.authority";
    public static final String CONFIG_TENANTS = "entra.tenants";
    public static final String CONFIG_APP_ID = "entra.app-id";
    public static final String CONFIG_MAX_AGE = "hint.max-age-seconds";
    public static final String CONFIG_CLOCK_SKEW = "hint.clock-skew-seconds";

    public static final int DEFAULT_MAX_AGE_SECONDS = 600;
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;

    /** The three reply URLs Entra posts from (contract section 1); nothing else is registered. */
    public static final String[] ENTRA_REDIRECT_URIS = {
        "https://login.microsoftonline.com/common/federation/externalauthprovider",
        "https://login.microsoftonline.us/common/federation/externalauthprovider",
        "https://login.partner.microsoftonline.cn/common/federation/externalauthprovider",
    };

    /** Request parameters Keycloak keeps as client notes (unknown to OIDC). */
    public static final String NOTE_ID_TOKEN_HINT = "client_request_param_id_token_hint";
    public static final String NOTE_CLIENT_REQUEST_ID = "client_request_param_client-request-id";

    /** Client notes written after the hint is validated, read by {@code EamClaimsMapper}. */
    public static final String NOTE_SUB = "poclab.eam.sub";
    public static final String NOTE_TID = "poclab.eam.tid";
    public static final String NOTE_OID = "poclab.eam.oid";
    public static final String NOTE_PREFERRED_USERNAME = "poclab.eam.preferred_username";

    /** User attributes that link a POCLAB person to an Entra user (tid + oid, never a name). */
    public static final String ATTR_TID = "entra_tid";
    public static final String ATTR_OID = "entra_oid";
    /** {@code tid:oid}, the single attribute people are looked up by. */
    public static final String ATTR_KEY = "entra_key";

    /** The event error for a person an admin deleted ({@code OffboardingRecord}). */
    public static final String ERROR_OFFBOARDED = "eam_user_offboarded";

    /** Event details. */
    public static final String DETAIL_CLIENT_REQUEST_ID = "client_request_id";
    public static final String DETAIL_TID = "tid";
    public static final String DETAIL_OID = "oid";
    /** How the hint's person came to be linked in this flow: created on first use, or a declared person pinned. */
    public static final String DETAIL_PERSON = "poclab_person";

    private EamConstants() {
    }
}
