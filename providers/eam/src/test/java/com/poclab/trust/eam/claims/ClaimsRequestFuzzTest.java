package com.poclab.trust.eam.claims;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the {@code claims} parameter (contract section 3, issue 7): any
 * value Entra's POST carries either parses or is refused with {@link ClaimsRequest.InvalidClaimsRequest},
 * which the authenticator turns into {@code error=invalid_request}; no other exception escapes.
 *
 * <p>Seeds: {@code src/test/resources/com/poclab/trust/eam/claims/ClaimsRequestFuzzTestInputs/<method>/}.
 */
class ClaimsRequestFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyClaimsParameterParsesOrIsRefused(byte[] parameter) {
        ClaimsRequest request;
        try {
            request = ClaimsRequest.parse(new String(parameter, StandardCharsets.UTF_8));
        } catch (ClaimsRequest.InvalidClaimsRequest refused) {
            assertNotNull(refused.getMessage(), "a refusal carries its reason");
            return;
        }
        assertNotNull(request.acrValues());
        assertNotNull(request.amrValues());
        request.acrFor().ifPresent(acr -> assertTrue(ClaimsRequest.POSSESSION_ACRS.contains(acr),
                "the acr answered is one a possession factor satisfies: " + acr));
        request.acrFor().ifPresent(acr -> assertTrue(request.acrValues().isEmpty() || request.acrValues().contains(acr),
                "the acr answered was requested: " + acr));
        request.allowsAmr("otp");
    }
}
