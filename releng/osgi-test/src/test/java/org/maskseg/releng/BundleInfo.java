package org.maskseg.releng;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.jar.Manifest;

import aQute.bnd.header.Attrs;
import aQute.bnd.header.OSGiHeader;

/** The wiring-relevant headers of one bundle manifest. */
record BundleInfo(String symbolicName, String version, Set<String> exports, Set<String> mandatoryImports,
        Set<String> requiredBundles, String fragmentHost) {

    static BundleInfo of(Manifest manifest) {
        var main = manifest.getMainAttributes();
        String bsn = OSGiHeader.parseHeader(main.getValue("Bundle-SymbolicName")).keySet().iterator().next();
        Set<String> exports = keys(main.getValue("Export-Package"));
        Set<String> imports = new LinkedHashSet<>();
        for (Map.Entry<String, Attrs> e : OSGiHeader.parseHeader(main.getValue("Import-Package")).entrySet()) {
            if (!"optional".equals(e.getValue().get("resolution:"))) {
                imports.add(unique(e.getKey()));
            }
        }
        Set<String> required = new LinkedHashSet<>();
        for (Map.Entry<String, Attrs> e : OSGiHeader.parseHeader(main.getValue("Require-Bundle")).entrySet()) {
            if (!"optional".equals(e.getValue().get("resolution:"))) {
                required.add(unique(e.getKey()));
            }
        }
        String host = main.getValue("Fragment-Host") == null ? null
                : OSGiHeader.parseHeader(main.getValue("Fragment-Host")).keySet().iterator().next();
        return new BundleInfo(bsn, main.getValue("Bundle-Version"), exports, imports, required, host);
    }

    /** bnd marks repeated header keys with trailing '~'. */
    private static String unique(String key) {
        return key.replaceAll("~+$", "");
    }

    private static Set<String> keys(String header) {
        Set<String> keys = new LinkedHashSet<>();
        for (String k : OSGiHeader.parseHeader(header).keySet()) {
            keys.add(unique(k));
        }
        return keys;
    }
}
