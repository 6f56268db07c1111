package com.poclab.trust.eam.hint;

/** The outcome of validating an id_token_hint: the person, or why not. */
public sealed interface HintValidation {

    record Accepted(EntraHint hint) implements HintValidation {
    }

    /** {@code detail} adds the offending value where it is safe to log (kid, tid, aud), never the token. */
    record Rejected(HintRejection reason, String detail) implements HintValidation {
        public String describe() {
            return detail == null ? reason.description() : reason.description() + " (" + detail + ")";
        }
    }
}
