package org.maskseg.core.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.maskseg.core.InvalidInputException;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.engine.PtEngineProvider;

/**
 * Starts DJL's PyTorch engine offline and chooses the compute device. Every front end goes through
 * here, so that a KNIME preference, a CLI option or a system property all act the same way.
 */
public final class TorchRuntime {

    public static final String ENGINE = "PyTorch";

    private TorchRuntime() {
    }

    /**
     * Where to find libtorch instead of the CPU build shipped with MaskSeg (e.g. a CUDA build on a GPU
     * server). DJL reads these as environment variables or system properties; a null field keeps the
     * default.
     *
     * @param libraryPath folder containing libtorch (PYTORCH_LIBRARY_PATH)
     * @param version     its version, e.g. 2.7.1 (PYTORCH_VERSION)
     * @param flavor      e.g. cpu, cu128 (PYTORCH_FLAVOR)
     */
    public record Installation(String libraryPath, String version, String flavor) {
        public static final Installation BUNDLED = new Installation(null, null, null);
    }

    /**
     * Prepares the engine: offline mode (DJL never downloads) and, optionally, a local PyTorch
     * installation. Must be called before the engine is first used; later calls with another
     * installation are refused because libtorch cannot be swapped inside a running JVM.
     */
    public static synchronized Engine start(Installation installation) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (installation != null && installation.libraryPath() != null) {
            Path p = Path.of(installation.libraryPath());
            if (!Files.isDirectory(p)) {
                throw new InvalidInputException("PyTorch library folder '" + p + "' does not exist");
            }
            String current = System.getProperty("PYTORCH_LIBRARY_PATH");
            if (current != null && !current.equals(p.toString()) && engineLoaded) {
                throw new InvalidInputException("PyTorch is already loaded from '" + current
                        + "'; restart to use '" + p + "'");
            }
            System.setProperty("PYTORCH_LIBRARY_PATH", p.toString());
            if (installation.version() != null) {
                System.setProperty("PYTORCH_VERSION", installation.version());
            }
            if (installation.flavor() != null) {
                System.setProperty("PYTORCH_FLAVOR", installation.flavor());
            }
        }
        // DJL finds its engine provider (ServiceLoader) and the bundled natives (class path resources) through
        // the thread's context class loader. Inside OSGi (KNIME) that loader does not see DJL's bundles, so
        // use the loader of the PyTorch engine bundle, which also carries the native fragments.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PtEngineProvider.class.getClassLoader());
        try {
            if (!Engine.hasEngine(ENGINE)) {
                // DJL was initialised earlier from a loader that could not see the provider
                Engine.registerEngine(new PtEngineProvider());
            }
            Engine engine = Engine.getEngine(ENGINE);
            engineLoaded = true;
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new InvalidInputException("the PyTorch engine could not be loaded: " + e.getMessage()
                    + ". Check the PyTorch installation setting (library path, version, flavour)", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static volatile boolean engineLoaded;

    /** The engine with the bundled CPU build (or whatever the environment points DJL to). */
    public static Engine engine() {
        return start(Installation.BUNDLED);
    }

    /**
     * Resolves a device setting: "auto" (first GPU if any, else CPU), "cpu", "gpu" or "gpu:N".
     *
     * @throws InvalidInputException for an unknown setting or a GPU that is not there
     */
    public static Device device(String setting) {
        Engine engine = engine();
        String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        int gpus = engine.getGpuCount();
        if (s.equals("auto")) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.startsWith("gpu:") || s.startsWith("cuda")) {
            int id = 0;
            int colon = s.indexOf(':');
            if (colon >= 0) {
                try {
                    id = Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("device '" + setting + "': expected gpu:N with a number N");
                }
            }
            if (gpus == 0) {
                throw new InvalidInputException("device '" + setting + "' requested but no CUDA GPU is visible to "
                        + "PyTorch " + engine.getVersion() + " (the bundled build is CPU-only; point the PyTorch "
                        + "installation setting to a CUDA build of libtorch, or use device 'cpu')");
            }
            if (id < 0 || id >= gpus) {
                throw new InvalidInputException("device '" + setting + "': only " + gpus + " GPU(s) present (gpu:0.."
                        + (gpus - 1) + ")");
            }
            return Device.gpu(id);
        }
        throw new InvalidInputException("unknown device '" + setting + "'; use auto, cpu or gpu:N");
    }

    /** A new root manager on the given device. */
    public static NDManager newManager(Device device) {
        return NDManager.newBaseManager(device, ENGINE);
    }

    /**
     * Limits the CPU threads libtorch uses (0 or less keeps the current setting). Before the engine starts
     * this becomes its start-up setting; afterwards it changes the running engine's thread pool.
     */
    public static synchronized void setCpuThreads(int threads) {
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            if (engineLoaded) {
                JniUtils.setNumThreads(threads);
            }
        }
    }

    /** The number of CPU threads libtorch currently uses for one operation. */
    public static int cpuThreads() {
        engine();
        return JniUtils.getNumThreads();
    }
}
