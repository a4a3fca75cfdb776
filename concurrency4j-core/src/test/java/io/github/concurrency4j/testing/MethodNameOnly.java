package io.github.concurrency4j.testing;

import java.lang.reflect.Method;
import org.junit.jupiter.api.DisplayNameGenerator;

/** Display names without parameter types, so that a database case reads {@code method[postgresql]}. */
public final class MethodNameOnly extends DisplayNameGenerator.Standard {
    @Override
    public String generateDisplayNameForMethod(java.util.List<Class<?>> enclosingInstanceTypes, Class<?> testClass,
                                               Method testMethod) {
        return testMethod.getName();
    }
}
