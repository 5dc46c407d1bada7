package org.maskseg.core.nn;

import java.util.Locale;

import org.maskseg.core.InvalidInputException;

import ai.djl.Device;

/**
 * The arithmetic a network's convolutions run in. {@link #FP32} is plain single precision. {@link #FP16} is mixed
 * precision: convolutions take half-precision copies of their input and weights, while normalisation, activations,
 * the logits handed to losses and softmax, the master weights and the optimiser stay in single precision.
 */
public enum Precision {
    FP32, FP16;

    /** The settings a user can choose, in the order they are offered. */
    public static final java.util.List<String> SETTINGS = java.util.List.of("auto", "fp32", "fp16");

    /**
     * Refuses a setting other than auto, fp32 or fp16 with one line that says why.
     *
     * @param what names the setting in the message (e.g. "precision" or a file and key)
     * @return the setting in lower case
     */
    public static String checkSetting(String setting, String what) {
        String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (s.equals("bf16") || s.equals("bfloat16")) {
            // DJL 0.36's JNI maps only the first nine data types; casting to bfloat16 reaches an unhandled native
            // throw that ends the JVM, so there is no safe way to make bfloat16 working copies
            throw new InvalidInputException(what + " 'bf16' is not available: the PyTorch engine of DJL 0.36 "
                    + "cannot create bfloat16 tensors; use auto, fp32 or fp16");
        }
        if (!SETTINGS.contains(s)) {
            throw new InvalidInputException(what + " '" + setting + "': expected auto, fp32 or fp16");
        }
        return s;
    }

    /**
     * The precision a setting means on a device: auto is fp16 on a CUDA GPU and fp32 elsewhere (half-precision
     * convolutions are much slower than single precision on CPUs).
     */
    public static Precision resolve(String setting, Device device) {
        String s = checkSetting(setting, "precision");
        return switch (s) {
        case "fp32" -> FP32;
        case "fp16" -> FP16;
        default -> device != null && device.isGpu() ? FP16 : FP32;
        };
    }

    /**
     * The one-line warning for fp16 on a CPU, or null when there is nothing to warn about.
     */
    public static String cpuWarning(Precision p, Device device) {
        if (p == FP16 && (device == null || !device.isGpu())) {
            return "warning: fp16 on the CPU is correct but many times slower than fp32; use fp32 (or auto) on a CPU";
        }
        return null;
    }

    /** The setting's name in lower case (as written in settings and model metadata). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
