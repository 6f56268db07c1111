package com.poclab.trust.okta;

/** Names shared by the Okta authenticator, realm export and integrations page. */
public final class OktaConstants {

    /** Alias of the person authenticator's config in realm {@code okta}: the realm's Okta settings. */
    public static final String SETTINGS_ALIAS = "poclab-okta-settings";
    public static final String CLIENT_ID = "poclab-okta";

    public static final String CONFIG_ORG_URL = "okta.org-url";
    public static final String CONFIG_CUSTOM_DOMAINS = "okta.custom-domains";

    /** Where Okta receives the code: {@code {org}/oauth2/v1/authorize/callback} (okta.md section 1). */
    public static final String CALLBACK_PATH = "/oauth2/v1/authorize/callback";

    /** Message key (theme-resources/messages): the name Okta sent is not a POCLAB person. */
    public static final String MSG_PERSON_NOT_PROVISIONED = "poclabOktaPersonNotProvisioned";

    /** The event error for the name of a person an admin deleted ({@link OktaOffboardingRecord}). */
    public static final String ERROR_OFFBOARDED = "okta_user_offboarded";

    private OktaConstants() {
    }
}
