package com.poclab.trust.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    @Test
    void aTargetMeasuredCleanlyIsMetOrNot() {
        assertEquals("met", BenchmarkReport.judged(true, null, null));
        assertEquals("NOT met", BenchmarkReport.judged(false));
    }

    @Test
    void aFlawedMeasurementIsNeverMetAndSaysWhy() {
        assertEquals("not settled by this run (EAM: 3 failed flows and 0 TOTP step waits)",
                BenchmarkReport.judged(true, null, "EAM: 3 failed flows and 0 TOTP step waits"));
        assertEquals("not settled by this run (500 people (the issue asks at least 1000); 4 cores (the target is for 2))",
                BenchmarkReport.judged(false, "500 people (the issue asks at least 1000)", "4 cores (the target is for 2)"));
    }
}
