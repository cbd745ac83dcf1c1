package io.corvus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The configuration properties a component's code reads: every {@code @ConfigMapping} (with its
 * groups and their kebab-case names) and every {@code @ConfigProperty} in the jars of its classes.
 * What the chart and the Compose file set is compared with this, so that a setting nobody reads
 * (a typo, a renamed property) fails the build instead of being ignored at run time.
 */
final class SettingsReadByCode {

    private SettingsReadByCode() {
    }

    /** @param anchors one class from each jar to read (the component's own, service-support's, ...) */
    static Set<String> properties(Class<?>... anchors) {
        Set<String> properties = new TreeSet<>();
        for (Class<?> anchor : anchors) {
            for (Class<?> type : classesBeside(anchor)) {
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    group(type, mapping.prefix(), properties);
                }
                try {
                    for (var field : type.getDeclaredFields()) {
                        named(field, properties);
                    }
                    for (Executable executable : type.getDeclaredConstructors()) {
                        parameters(executable, properties);
                    }
                    for (Executable executable : type.getDeclaredMethods()) {
                        parameters(executable, properties);
                    }
                } catch (NoClassDefFoundError optional) {
                    // a class that needs what this classpath lacks reads no setting the chart could give
                }
            }
        }
        return properties;
    }

    /** How an environment variable names a property: upper case, every other character an underscore. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static void parameters(Executable executable, Set<String> properties) {
        for (var parameter : executable.getParameters()) {
            named(parameter, properties);
        }
    }

    private static void named(AnnotatedElement element, Set<String> properties) {
        ConfigProperty property = element.getAnnotation(ConfigProperty.class);
        if (property != null && !property.name().isEmpty()) {
            properties.add(property.name());
        }
    }

    private static void group(Class<?> type, String prefix, Set<String> properties) {
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Type returned = method.getGenericReturnType();
            Class<?> nested = nestedGroup(returned);
            if (nested != null) {
                group(nested, name, properties);
            } else if (returned instanceof ParameterizedType map && map.getRawType() == Map.class) {
                properties.add(name + ".*");
            } else {
                properties.add(name);
            }
        }
    }

    /** The group interface a method returns (directly or in an Optional), or null for a value. */
    private static Class<?> nestedGroup(Type returned) {
        Type inner = returned instanceof ParameterizedType optional && optional.getRawType() == Optional.class
                ? optional.getActualTypeArguments()[0] : returned;
        return inner instanceof Class<?> type && type.isInterface() && !type.getPackageName().startsWith("java.") ? type : null;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Collection<Class<?>> classesBeside(Class<?> anchor) {
        Path jar;
        try {
            jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<Class<?>> classes = new LinkedHashSet<>();
        if (!jar.toString().endsWith(".jar")) {
            throw new IllegalStateException(anchor + " is not read from a jar but from " + jar + ": build the modules first");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(entry -> entry.getName()).filter(name -> name.endsWith(".class") && !name.contains("module-info"))
                    .forEach(name -> {
                        try {
                            classes.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, anchor.getClassLoader()));
                        } catch (ClassNotFoundException | LinkageError unloadable) {
                            // generated or optional classes the test classpath cannot load hold no setting the chart gives
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }
}
