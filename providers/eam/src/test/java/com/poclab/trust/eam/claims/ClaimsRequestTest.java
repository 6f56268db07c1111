package com.poclab.trust.eam.claims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ClaimsRequestTest {

    private static final String ENTRA = "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"possessionorinherence\"]},"
            + "\"amr\":{\"essential\":true,\"values\":[\"face\",\"fido\",\"fpt\",\"hwk\",\"iris\",\"otp\",\"pop\",\"retina\",\"sc\",\"sms\",\"swk\",\"tel\",\"vbm\"]}}}";

    @Test
    void entrasClaimsRequestAsksForPossessionOrInherence() throws Exception {
        ClaimsRequest request = ClaimsRequest.parse(ENTRA);
        assertEquals(List.of("possessionorinherence"), request.acrValues());
        assertEquals(Optional.of("possessionorinherence"), request.acrFor());
        assertTrue(request.allowsAmr("otp"));
        assertTrue(request.allowsAmr("fido"));
    }

    @Test
    void theAcrAnsweredIsOneRequestedValueThatPossessionSatisfies() throws Exception {
        ClaimsRequest request = ClaimsRequest.parse("{\"id_token\":{\"acr\":{\"values\":[\"knowledge\",\"knowledgeorpossession\"]}}}");
        assertEquals(Optional.of("knowledgeorpossession"), request.acrFor());
        assertEquals(Optional.empty(), ClaimsRequest.parse("{\"id_token\":{\"acr\":{\"value\":\"inherence\"}}}").acrFor());
    }

    @Test
    void anAmrListWithoutOurFactorsIsUnsatisfiable() throws Exception {
        ClaimsRequest request = ClaimsRequest.parse("{\"id_token\":{\"amr\":{\"values\":[\"sms\",\"face\"]}}}");
        assertFalse(request.allowsAmr("otp"));
        assertFalse(request.allowsAmr("fido"));
    }

    @Test
    void malformedClaimsAreRefusedWithAReason() {
        for (String bad : List.of("not json", "[]", "{\"id_token\":1}", "{\"id_token\":{\"acr\":{\"values\":\"x\"}}}",
                "{\"id_token\":{\"amr\":{\"values\":[1]}}}", "{\"id_token\":{\"acr\":{\"value\":[]}}}",
                "{\"id_token\":{\"amr\":{\"essential\":true,\"values\":[]}}}", "{\"id_token\":{\"acr\":{\"values\":[]}}}")) {
            assertThrows(ClaimsRequest.InvalidClaimsRequest.class, () -> ClaimsRequest.parse(bad), bad);
        }
    }
}
