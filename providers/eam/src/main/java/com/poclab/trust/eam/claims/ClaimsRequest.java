package com.poclab.trust.eam.claims;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.util.JsonSerialization;

/**
 * The {@code claims} request parameter Entra sends (contract section 3): which {@code acr}
 * and {@code amr} values the id_token may carry. POCLAB's factors are possession factors
 * (TOTP, WebAuthn), so an acr is satisfiable when it includes possession.
 */
public record ClaimsRequest(List<String> acrValues, List<String> amrValues) {

    /** acr values whose method kind includes possession, in the order POCLAB prefers them. */
    public static final List<String> POSSESSION_ACRS = List.of(
            "possessionorinherence", "possession", "knowledgeorpossession", "knowledgeorpossessionorinherence");

    public static final Set<String> KNOWN_ACRS = Set.of("possessionorinherence", "knowledgeorpossession",
            "knowledgeorinherence", "knowledgeorpossessionorinherence", "knowledge", "possession", "inherence");

    /** Parses the parameter; empty lists for an absent parameter or claim. */
    public static ClaimsRequest parse(String json) throws InvalidClaimsRequest {
        if (json == null || json.isBlank()) {
            return new ClaimsRequest(List.of(), List.of());
        }
        JsonNode root;
        try {
            root = JsonSerialization.mapper.readTree(json);
        } catch (IOException e) {
            throw new InvalidClaimsRequest("claims is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidClaimsRequest("claims is not a JSON object");
        }
        JsonNode idToken = root.get("id_token");
        if (idToken == null || idToken.isNull()) {
            return new ClaimsRequest(List.of(), List.of());
        }
        if (!idToken.isObject()) {
            throw new InvalidClaimsRequest("claims.id_token is not an object");
        }
        return new ClaimsRequest(values(idToken, "acr"), values(idToken, "amr"));
    }

    private static List<String> values(JsonNode idToken, String claim) throws InvalidClaimsRequest {
        JsonNode request = idToken.get(claim);
        if (request == null || request.isNull()) {
            return List.of();
        }
        if (!request.isObject()) {
            throw new InvalidClaimsRequest("claims.id_token." + claim + " is not an object");
        }
        List<String> values = new ArrayList<>();
        JsonNode value = request.get("value");
        if (value != null && !value.isNull()) {
            if (!value.isTextual()) {
                throw new InvalidClaimsRequest("claims.id_token." + claim + ".value is not a string");
            }
            values.add(value.asText());
        }
        JsonNode array = request.get("values");
        if (array != null && !array.isNull()) {
            if (!array.isArray()) {
                throw new InvalidClaimsRequest("claims.id_token." + claim + ".values is not an array");
            }
            for (JsonNode v : array) {
                if (!v.isTextual()) {
                    throw new InvalidClaimsRequest("claims.id_token." + claim + ".values holds a non-string");
                }
                values.add(v.asText());
            }
        }
        if (values.isEmpty() && array != null && array.isArray()) {
            // A request that lists its acceptable values and lists none can be met by no answer.
            throw new InvalidClaimsRequest("claims.id_token." + claim + ".values is empty: no value could be answered");
        }
        return List.copyOf(values);
    }

    /** The acr to answer with: one requested value that a possession factor satisfies. */
    public Optional<String> acrFor() {
        if (acrValues.isEmpty()) {
            return Optional.of(POSSESSION_ACRS.get(0));
        }
        return POSSESSION_ACRS.stream().filter(acrValues::contains).findFirst();
    }

    /** Whether {@code amr} may name this factor (no amr request allows any). */
    public boolean allowsAmr(String amr) {
        return amrValues.isEmpty() || amrValues.contains(amr);
    }

    public static final class InvalidClaimsRequest extends Exception {
        public InvalidClaimsRequest(String message) {
            super(message);
        }
    }
}
