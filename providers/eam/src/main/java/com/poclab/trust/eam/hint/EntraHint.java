package com.poclab.trust.eam.hint;

/** The person an Entra-signed, validated id_token_hint names (contract section 2). */
public record EntraHint(String tenantId, String objectId, String subject, String preferredUsername,
                        String name, String upn, String email, String givenName, String familyName,
                        long issuedAt) {
}
