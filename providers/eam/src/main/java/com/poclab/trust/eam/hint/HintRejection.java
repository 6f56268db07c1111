package com.poclab.trust.eam.hint;

/**
 * Why an Entra request was refused. {@link #eventError()} is the error in Keycloak's event
 * log; {@link #description()} is what an admin reads there and Entra receives as
 * {@code error_description} beside {@code error=access_denied}.
 */
public enum HintRejection {
    MISSING("eam_hint_missing", "The request carries no id_token_hint"),
    TOO_LARGE("eam_hint_malformed", "The id_token_hint is larger than any Entra hint"),
    MALFORMED("eam_hint_malformed", "The id_token_hint is not a well-formed signed JWT"),
    ALGORITHM_NOT_ALLOWED("eam_hint_algorithm", "The id_token_hint is not signed with RS256"),
    UNKNOWN_KEY("eam_hint_unknown_key", "The id_token_hint is signed by a key Entra does not publish"),
    BAD_SIGNATURE("eam_hint_bad_signature", "The id_token_hint signature does not verify"),
    ISSUER_INVALID("eam_hint_issuer", "The id_token_hint issuer is not a v2.0 issuer of the configured Entra authority"),
    TENANT_MISMATCH("eam_hint_tenant_mismatch", "The id_token_hint tid does not match its issuer"),
    TENANT_NOT_ALLOWED("eam_hint_tenant_not_allowed", "The id_token_hint comes from a tenant that is not on the allow-list"),
    AUDIENCE_INVALID("eam_hint_audience", "The id_token_hint audience is not the configured App ID"),
    ISSUED_IN_FUTURE("eam_hint_not_yet_valid", "The id_token_hint is issued in the future"),
    NOT_YET_VALID("eam_hint_not_yet_valid", "The id_token_hint is not valid yet (nbf)"),
    TOO_OLD("eam_hint_stale", "The id_token_hint is older than the allowed age"),
    CLAIM_MISSING("eam_hint_claims", "The id_token_hint lacks a required claim (tid, oid, sub, iat)"),
    REPLAYED("eam_hint_replayed", "This id_token_hint (or nonce and client-request-id) was already used");

    private final String eventError;
    private final String description;

    HintRejection(String eventError, String description) {
        this.eventError = eventError;
        this.description = description;
    }

    public String eventError() {
        return eventError;
    }

    public String description() {
        return description;
    }
}
