package org.maskseg.core.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.Precision;

import ai.djl.Device;
import ai.djl.engine.Engine;

class DoctorTest {

    @Test
    void reportsVersionsBuildAndThreads() {
        List<String> lines = Doctor.environment(TorchRuntime.Installation.BUNDLED);
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).startsWith("Java: " + System.getProperty("java.version")), all);
        assertTrue(all.contains("DJL: " + Engine.getDjlVersion() + ", PyTorch engine with libtorch 2.7.1 (cpu build), "
                + "bundled with MaskSeg"), all);
        assertTrue(all.contains("CUDA: libtorch built without CUDA"), all);
        assertTrue(all.contains("0 GPU(s) usable"), all);
        assertTrue(all.contains("threads: " + ai.djl.pytorch.jni.JniUtils.getNumThreads() + " intra-op"), all);
    }

    @Test
    void timesOneStepOfATinyNetwork() {
        String line = Doctor.stepTiming(Device.cpu(), Precision.FP32);
        Matcher m = Pattern.compile("on cpu\\(\\) in fp32: ([0-9.]+) ms, loss ([0-9.-]+)").matcher(line);
        assertTrue(m.find(), line);
        assertTrue(Double.parseDouble(m.group(1)) > 0, line);
        // CE of 2 classes at initialisation is near ln 2 (a third of the voxels ignored) and the Dice term is in [-1, 0]
        double loss = Double.parseDouble(m.group(2));
        assertTrue(loss > -1 && loss < 3, line);
        assertEquals(1, line.lines().count());
    }
}
