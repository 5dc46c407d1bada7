package org.maskseg.core.engine;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

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
            String[] found = buildVersion(p);
            String version = installation.version() != null ? installation.version()
                    : configured("PYTORCH_VERSION") == null && found != null ? found[0] : null;
            String flavor = installation.flavor() != null ? installation.flavor()
                    : configured("PYTORCH_FLAVOR") == null && found != null ? found[1] : null;
            if (version != null) {
                System.setProperty("PYTORCH_VERSION", version);
            }
            if (flavor != null) {
                System.setProperty("PYTORCH_FLAVOR", flavor);
            }
        }
        // DJL finds its engine provider (ServiceLoader) and the bundled natives (class path resources) through
        // the thread's context class loader. Inside OSGi (KNIME) that loader does not see DJL's bundles, so
        // use the loader of the PyTorch engine bundle, which also carries the native fragments.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PtEngineProvider.class.getClassLoader());
        try {
            if (!engineLoaded && !localInstallationConfigured()) {
                checkBundledLibrary(PtEngineProvider.class.getClassLoader());
            }
            if (!Engine.hasEngine(ENGINE)) {
                // DJL was initialised earlier from a loader that could not see the provider
                Engine.registerEngine(new PtEngineProvider());
            }
            Engine engine = Engine.getEngine(ENGINE);
            engineLoaded = true;
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            String configured = System.getProperty("PYTORCH_LIBRARY_PATH", System.getenv("PYTORCH_LIBRARY_PATH"));
            throw new InvalidInputException("the PyTorch engine could not be loaded: " + rootMessage(e) + ". "
                    + (configured == null ? "" : describeInstallation(Path.of(configured.split(File.pathSeparator)[0]))
                            + ". ")
                    + NEEDED, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static volatile boolean engineLoaded;

    /** The libtorch DJL 0.36's JNI is built for. */
    public static final String LIBTORCH_VERSION = "2.7.1";

    /** What a libtorch outside the bundle must be, as said in load failures. */
    static final String NEEDED = "DJL 0.36 runs libtorch " + LIBTORCH_VERSION + " only, with a JNI library of the "
            + "same flavour (cpu, or cu128 for CUDA 12.8; the JNI for both comes with MaskSeg): point the PyTorch "
            + "installation setting (PYTORCH_LIBRARY_PATH) to the lib folder of a libtorch " + LIBTORCH_VERSION
            + " and set PYTORCH_VERSION=" + LIBTORCH_VERSION + " and PYTORCH_FLAVOR=cpu or cu128 to match it";

    /**
     * What a libtorch folder holds, for error messages: its version (from the {@code build-version} file that
     * libtorch archives carry next to {@code lib/}) and whether it is a CUDA build (it has the torch_cuda library).
     */
    public static String describeInstallation(Path libDir) {
        if (!Files.isDirectory(libDir)) {
            return "the PyTorch library folder '" + libDir + "' does not exist";
        }
        String version = null;
        for (Path p = libDir; p != null && version == null && p.getNameCount() > 0
                && libDir.getNameCount() - p.getNameCount() <= 1; p = p.getParent()) {
            Path f = p.resolve("build-version");
            if (Files.isRegularFile(f)) {
                try {
                    version = Files.readString(f).trim();
                } catch (IOException e) {
                    version = null;
                }
            }
        }
        boolean hasTorch = Files.isRegularFile(libDir.resolve(System.mapLibraryName("torch")));
        boolean hasCuda = Files.isRegularFile(libDir.resolve(System.mapLibraryName("torch_cuda")));
        if (!hasTorch) {
            return "found no " + System.mapLibraryName("torch") + " in '" + libDir + "' (give the lib folder of "
                    + "libtorch)";
        }
        return "found libtorch " + (version == null ? "of unknown version (no build-version file)" : version) + " ("
                + (hasCuda ? "CUDA" : "CPU") + " build) in '" + libDir + "'"
                + (version != null && !version.startsWith(LIBTORCH_VERSION) ? ", which is not " + LIBTORCH_VERSION
                        : "");
    }

    private static String configured(String name) {
        String v = System.getProperty(name, System.getenv(name));
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Version and flavour of the libtorch in a library folder, from the {@code build-version} file next to it
     * (e.g. {@code 2.7.1+cu128} gives 2.7.1 and cu128; without a suffix the flavour is cpu), or null when there is
     * no such file.
     */
    static String[] buildVersion(Path libDir) {
        for (Path dir : new Path[] {libDir, libDir.getParent()}) {
            if (dir == null) {
                continue;
            }
            Path f = dir.resolve("build-version");
            if (Files.isRegularFile(f)) {
                try {
                    String v = Files.readString(f).trim();
                    int plus = v.indexOf('+');
                    return plus < 0 ? new String[] {v, "cpu"} : new String[] {v.substring(0, plus), v.substring(plus + 1)};
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t == e ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
        return m;
    }

    /** Where DJL looks for the description of a bundled libtorch (one per native jar or fragment). */
    public static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

    /**
     * The platform name under which DJL looks for libtorch on a machine with these {@code os.name} and
     * {@code os.arch} system properties: {@code win}, {@code osx} or {@code linux}, a dash, and the architecture
     * with {@code amd64} renamed {@code x86_64} (the rules of DJL's {@code Platform}). The bundled native jar (in
     * KNIME: the platform fragment) matches when the {@code classifier} of its {@code native/lib/pytorch.properties}
     * equals this name.
     *
     * @return the classifier, or null for an operating system DJL does not support
     */
    public static String nativeClassifier(String osName, String osArch) {
        String os;
        if (osName.startsWith("Win")) {
            os = "win";
        } else if (osName.startsWith("Mac")) {
            os = "osx";
        } else if (osName.startsWith("Linux")) {
            os = "linux";
        } else {
            return null;
        }
        return os + "-" + ("amd64".equals(osArch) ? "x86_64" : osArch);
    }

    /** The classifier of this machine (see {@link #nativeClassifier(String, String)}). */
    public static String nativeClassifier() {
        return nativeClassifier(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * The classifiers of the CPU builds of libtorch the loader carries (those of every
     * {@code native/lib/pytorch.properties} it sees; one in a plain class path and inside KNIME, where only the
     * fragment matching the platform is installed).
     */
    public static List<String> bundledClassifiers(ClassLoader loader) {
        List<String> found = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources(NATIVE_PROPERTIES))) {
                Properties p = new Properties();
                try (InputStream in = url.openStream()) {
                    p.load(in);
                }
                String classifier = p.getProperty("classifier");
                if (classifier != null && p.getProperty("placeholder") == null) {
                    found.add(classifier.trim());
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the bundled PyTorch description " + NATIVE_PROPERTIES
                    + ": " + e.getMessage(), e);
        }
        return found;
    }

    /**
     * Refuses to start when no bundled libtorch fits this machine, instead of letting DJL try a download that
     * offline mode forbids and fail with a message that names neither the platform nor the remedy.
     */
    static void checkBundledLibrary(ClassLoader loader) {
        String wanted = nativeClassifier();
        List<String> bundled = bundledClassifiers(loader);
        if (wanted != null && bundled.contains(wanted)) {
            return;
        }
        String machine = System.getProperty("os.name") + " " + System.getProperty("os.arch");
        throw new InvalidInputException("no bundled PyTorch for this machine (" + machine + ", "
                + (wanted == null ? "not supported by DJL" : wanted) + "); this installation carries "
                + (bundled.isEmpty() ? "none" : "PyTorch for " + String.join(", ", bundled))
                + ". Install libtorch 2.7.1 and point the PyTorch installation setting (PYTORCH_LIBRARY_PATH, "
                + "PYTORCH_VERSION, PYTORCH_FLAVOR) to it");
    }

    /** A libtorch outside the bundle is configured: DJL then never looks at the bundled ones. */
    private static boolean localInstallationConfigured() {
        if (System.getenv("PYTORCH_LIBRARY_PATH") != null || System.getProperty("PYTORCH_LIBRARY_PATH") != null
                || System.getenv("PYTORCH_VERSION") != null || System.getProperty("PYTORCH_VERSION") != null) {
            return true;
        }
        // DJL also takes a libtorch found on java.library.path
        String torch = System.mapLibraryName("torch");
        for (String dir : System.getProperty("java.library.path", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, torch))) {
                return true;
            }
        }
        return false;
    }

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
                boolean cudaBuild = engine.hasCapability(ai.djl.engine.StandardCapabilities.CUDA);
                throw new InvalidInputException("device '" + setting + "' requested but no CUDA GPU is visible to "
                        + "PyTorch " + engine.getVersion() + ": " + (cudaBuild
                                ? "the loaded libtorch is a CUDA build, but CUDA finds no GPU (check the driver and "
                                        + "CUDA_VISIBLE_DEVICES)"
                                : "the loaded libtorch is a CPU build (the bundled one always is). " + NEEDED)
                        + "; or use device 'cpu'");
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
