package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void printsTheSetUpAndATimedStep() {
        CommandLineRun.Result r = CommandLineRun.run("doctor", "--device", "cpu", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("PyTorch engine with libtorch 2.7.1 (cpu build)"), r.out());
        assertTrue(r.out().contains("threads: 1 intra-op"), r.out());
        assertTrue(r.out().contains("on cpu() in fp32:"), r.out());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void fp16OnTheCpuWarnsAndBf16IsRefused() {
        CommandLineRun.Result r = CommandLineRun.run("doctor", "--device", "cpu", "--precision", "fp16");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("warning: fp16 on the CPU"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.out().contains("in fp16:"), r.out());
        CommandLineRun.Result bf16 = CommandLineRun.run("doctor", "--precision", "bf16");
        assertEquals(Cli.FAILED, bf16.exitCode());
        assertTrue(bf16.err().contains("bfloat16"), bf16.err());
    }
}
