package com.poclab.trust.integrations;

import com.poclab.trust.eam.EamConstants;

/** Names the integrations page relies on. */
public final class IntegrationsConstants {

    /** Path segment under {@code /realms/master/}: the page is {@code /realms/master/poclab-integrations/}. */
    public static final String PROVIDER_ID = "poclab-integrations";

    /** Public client in realm master through which an admin signs in to the page. */
    public static final String SIGN_IN_CLIENT_ID = "poclab-integrations";

    /** The realms the cards edit (realm-export/). */
    public static final String EAM_REALM = "eam";
    public static final String OKTA_REALM = "okta";
    /** The client Entra names as client_id (realm-export/eam-realm.json). */
    public static final String EAM_CLIENT_ID = EamConstants.CLIENT_ID;

    /** Client attribute: when POCLAB last generated the Okta client secret (epoch seconds). */
    public static final String ATTR_SECRET_GENERATED_AT = "poclab.secret.generated-at";

    /** Where an admin finds the tenant ID. */
    public static final String AZURE_PORTAL_TENANT_URL = "https://portal.azure.com/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/Overview";

    private IntegrationsConstants() {
    }
}
