package io.github.vhd4j.cli;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.ParserSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Range;
import picocli.CommandLine.Spec;

/**
 * Writes {@code CliModel.java}, the code that builds picocli's model of every command without
 * reading annotations, from the model picocli builds by reading them.
 *
 * <p>Every property of a command, its usage message, its options and positional parameters is
 * listed twice by the same code: {@link #describe} prints it for the comparison in
 * {@link CliModelTest}, and the emitter writes a builder call for each property whose value
 * differs from a fresh builder's. So a property the emitter misses shows up as a difference
 * between the annotated model and the generated one, not as a silent change of behaviour.
 */
final class CliModelGenerator {
  /** Where the generated class lives, relative to the cli module (tests run there). */
  static final String TARGET = "src/main/java/io/github/vhd4j/cli/CliModel.java";

  private static final String PACKAGE = "io.github.vhd4j.cli.";

  /** Properties common to options and positional parameters: getter name = builder method name. */
  private static final List<String> ARG_PROPERTIES = List.of("description", "descriptionKey", "arity",
      "paramLabel", "hideParamSyntax", "converters", "splitRegex", "splitRegexSynopsisLabel", "showDefaultValue",
      "completionCandidates", "hidden", "inherited", "defaultValue", "mapFallbackValue", "required",
      "interactive", "echo", "prompt", "scopeType", "parameterConsumer", "preprocessor", "toString");
  private static final List<String> OPTION_PROPERTIES = List.of("usageHelp", "versionHelp", "help", "negatable",
      "fallbackValue", "order");
  private static final List<String> POSITIONAL_PROPERTIES = List.of("index");
  private static final List<String> COMMAND_PROPERTIES = List.of("name", "aliases", "version", "versionProvider",
      "helpCommand", "mixinStandardHelpOptions", "subcommandsRepeatable", "interpolateVariables", "scopeType",
      "exitCodeOnSuccess", "exitCodeOnUsageHelp", "exitCodeOnVersionHelp", "exitCodeOnInvalidInput",
      "exitCodeOnExecutionException", "defaultValueProvider", "resourceBundleBaseName", "toString");
  /**
   * Usage-message and parser properties that are objects picocli makes itself, not values to copy.
   * The other properties of those two are found by reflection: every getter with a setter.
   */
  private static final List<String> SKIPPED = List.of("messages", "sectionKeys", "sectionMap", "helpFactory");

  private final StringBuilder methods = new StringBuilder();
  private final List<String> dispatch = new ArrayList<>();
  /** Bound fields in order of their ids. */
  private final List<Field> fields = new ArrayList<>();
  /** Mixin classes whose {@code spec} method is written. */
  private final Set<Class<?>> emittedMixins = new HashSet<>();

  private CliModelGenerator() {}

  /**
   * Returns the source of {@code CliModel.java} for the given commands, built by picocli from their
   * annotations.
   *
   * @param commands the command objects, as {@link Main#commands} makes them
   * @return the Java source
   */
  static String generate(List<Object> commands) {
    CliModelGenerator g = new CliModelGenerator();
    for (Object command : commands) {
      CommandSpec spec = CommandSpec.forAnnotatedObject(command);
      String type = name(command.getClass());
      g.dispatch.add(type);
      g.emit(spec, type, true);
    }
    return g.source();
  }

  // ---------------------------------------------------------------------------------------------
  // Describing a model

  /**
   * Describes every property of a command's model that the generated code must reproduce, one per
   * line, values as Java literals.
   *
   * @param spec a command, with its mixins
   * @return the description
   */
  static String describe(CommandSpec spec) {
    StringBuilder sb = new StringBuilder();
    describe(spec, "", sb);
    return sb.toString();
  }

  private static void describe(CommandSpec spec, String indent, StringBuilder sb) {
    for (String p : COMMAND_PROPERTIES) {
      sb.append(indent).append(p).append(" = ").append(describeValue(commandProperty(spec, p))).append('\n');
    }
    for (Map.Entry<String, Object> e : properties(spec.usageMessage(), UsageMessageSpec.class).entrySet()) {
      sb.append(indent).append("usage.").append(e.getKey()).append(" = ").append(describeValue(e.getValue()))
          .append('\n');
    }
    for (Map.Entry<String, Object> e : properties(spec.parser(), ParserSpec.class).entrySet()) {
      sb.append(indent).append("parser.").append(e.getKey()).append(" = ").append(describeValue(e.getValue()))
          .append('\n');
    }
    for (ArgSpec a : spec.args()) {
      sb.append(indent).append(a.isOption() ? "option " + String.join(" ", ((OptionSpec) a).names()) : "positional")
          .append('\n');
      sb.append(indent).append("  type = ").append(describeValue(a.type())).append(", ")
          .append(describeValue(a.auxiliaryTypes())).append('\n');
      // An array (a multi-value positional) by its elements: two commands' arrays are never one.
      Object initial = a.initialValue();
      sb.append(indent).append("  initial = ").append(a.hasInitialValue()).append(' ')
          .append(initial instanceof Object[] values ? Arrays.toString(values) : String.valueOf(initial)).append('\n');
      for (Map.Entry<String, Object> e : argProperties(a).entrySet()) {
        sb.append(indent).append("  ").append(e.getKey()).append(" = ").append(describeValue(e.getValue()))
            .append('\n');
      }
    }
    for (Map.Entry<String, CommandSpec> m : spec.mixins().entrySet()) {
      sb.append(indent).append("mixin ").append(m.getKey()).append('\n');
      describe(m.getValue(), indent + "  ", sb);
    }
  }

  private static Object commandProperty(CommandSpec spec, String name) {
    if (name.equals("toString")) {
      // picocli's default names the user object with its identity hash, different every run.
      String s = spec.toString();
      return s.startsWith("command '") ? null : s;
    }
    return invoke(spec, name);
  }

  /** The values of {@code target}'s getters that have a setter of the same name, by name. */
  private static Map<String, Object> properties(Object target, Class<?> type) {
    Map<String, Object> out = new TreeMap<>();
    for (Method m : type.getMethods()) {
      if (m.getParameterCount() == 0 && m.getDeclaringClass() == type && !SKIPPED.contains(m.getName())
          && hasSetter(type, m.getName())) {
        out.put(m.getName(), invoke(target, m.getName()));
      }
    }
    return out;
  }

  private static boolean hasSetter(Class<?> type, String name) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 1 && m.getReturnType() == type) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> argProperties(ArgSpec a) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(ARG_PROPERTIES);
    names.addAll(a.isOption() ? OPTION_PROPERTIES : POSITIONAL_PROPERTIES);
    for (String n : names) {
      out.put(n, invoke(a, n));
    }
    return out;
  }

  private static Object invoke(Object target, String name) {
    try {
      Method m = target.getClass().getMethod(name);
      return m.invoke(target);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("picocli has no property " + name + " on " + target.getClass(), e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(name, e.getCause());
    }
  }

  /** A value as compared: its literal, plus what the literal cannot show. */
  private static String describeValue(Object v) {
    if (v instanceof Range r) {
      return literal(r) + (r.isUnspecified() ? " (unspecified)" : "");
    }
    return literal(v);
  }

  // ---------------------------------------------------------------------------------------------
  // Emitting code

  /**
   * Writes the method that builds {@code spec}, first writing one for each of its mixins not yet
   * written. Every such method is an overload of {@code spec}, taking the object it binds to.
   */
  private void emit(CommandSpec spec, String type, boolean command) {
    Map<ArgSpec, String> mixinOf = new IdentityHashMap<>();
    for (Map.Entry<String, CommandSpec> m : spec.mixins().entrySet()) {
      for (ArgSpec a : m.getValue().args()) {
        mixinOf.put(a, m.getKey());
      }
    }
    for (CommandSpec mixin : spec.mixins().values()) {
      Class<?> c = mixin.userObject().getClass();
      if (emittedMixins.add(c)) {
        emit(mixin, name(c), false);
      }
    }

    StringBuilder body = new StringBuilder();
    body.append("    CommandSpec s = CommandSpec.wrapWithoutInspection(o);\n");
    CommandSpec fresh = CommandSpec.create();
    for (String p : COMMAND_PROPERTIES) {
      if (!command && p.equals("toString")) {
        continue; // names the member that holds the mixin: written where the mixin is added
      }
      if (p.equals("version") && spec.versionProvider() != null) {
        continue; // what the provider returns now, in the build: the provider answers at run time
      }
      Object value = commandProperty(spec, p);
      if (!describeValue(value).equals(describeValue(commandProperty(fresh, p)))) {
        body.append("    s.").append(p.equals("toString") ? "withToString" : p).append('(').append(literal(value))
            .append(");\n");
      }
    }
    changed(body, "    s.usageMessage().", spec.usageMessage(), fresh.usageMessage(), UsageMessageSpec.class);
    changed(body, "    s.parser().", spec.parser(), fresh.parser(), ParserSpec.class);
    List<String> added = new ArrayList<>();
    for (ArgSpec a : spec.args()) {
      String mixin = mixinOf.get(a);
      if (mixin == null) {
        body.append(arg(a));
      } else if (!added.contains(mixin)) {
        added.add(mixin);
        body.append(addMixin(spec, mixin));
      }
    }
    for (String mixin : spec.mixins().keySet()) {
      if (!added.contains(mixin)) {
        body.append(addMixin(spec, mixin));
      }
    }
    for (Field f : allFields(spec.userObject().getClass())) {
      if (f.isAnnotationPresent(Spec.class)) {
        if (f.getAnnotation(Spec.class).value() != Spec.Target.SELF || f.getType() != CommandSpec.class) {
          throw new IllegalStateException("only @Spec CommandSpec fields are supported: " + f);
        }
        body.append("    o.").append(f.getName()).append(" = s;\n");
      }
    }
    body.append("    return s;\n");

    methods.append('\n');
    methods.append(command ? "  /** Builds the model of {@link " + type + "}. */\n"
        : "  /** Builds the model of the mixin {@link " + type + "}. */\n");
    methods.append(command ? "  static" : "  private static").append(" CommandSpec spec(")
        .append(type).append(" o) {\n").append(body).append("  }\n");
  }

  /** Writes a setter call for each property of {@code spec} whose value differs from {@code fresh}'s. */
  private static void changed(StringBuilder body, String prefix, Object spec, Object fresh, Class<?> type) {
    Map<String, Object> defaults = properties(fresh, type);
    for (Map.Entry<String, Object> e : properties(spec, type).entrySet()) {
      if (!describeValue(e.getValue()).equals(describeValue(defaults.get(e.getKey())))) {
        body.append(prefix).append(e.getKey()).append('(').append(literal(e.getValue())).append(");\n");
      }
    }
  }

  private static String addMixin(CommandSpec spec, String name) {
    CommandSpec mixin = spec.mixins().get(name);
    Field field = fieldHolding(spec.userObject(), mixin.userObject());
    Object toString = commandProperty(mixin, "toString");
    return "    s.addMixin(" + literal(name) + ", spec(o." + field.getName() + ")"
        + (toString == null ? "" : ".withToString(" + literal(toString) + ")") + ");\n";
  }

  private String arg(ArgSpec a) {
    Field field = boundField(a);
    int id = fields.indexOf(field);
    if (id < 0) {
      id = fields.size();
      fields.add(field);
    }
    StringBuilder sb = new StringBuilder();
    ArgSpec fresh;
    if (a instanceof OptionSpec o) {
      sb.append("    s.addOption(bind(OptionSpec.builder(").append(String.join(", ", literals(o.names())))
          .append("), o, ").append(id).append(")");
      fresh = OptionSpec.builder(o.names()).type(a.type()).auxiliaryTypes(a.auxiliaryTypes()).build();
    } else {
      sb.append("    s.addPositional(bind(PositionalParamSpec.builder(), o, ").append(id).append(")");
      fresh = PositionalParamSpec.builder().type(a.type()).auxiliaryTypes(a.auxiliaryTypes()).build();
    }
    sb.append("\n        .type(").append(literal(a.type())).append(").auxiliaryTypes(")
        .append(String.join(", ", literals(a.auxiliaryTypes()))).append(')');
    // The reflective model reads the field's value when it is first needed; so does this one,
    // from the same object, so a value given in the field's declaration is the initial value.
    sb.append(".initialValue(o.").append(field.getName()).append(')');
    Map<String, Object> freshProps = argProperties(fresh);
    for (Map.Entry<String, Object> e : argProperties(a).entrySet()) {
      if (!describeValue(e.getValue()).equals(describeValue(freshProps.get(e.getKey())))) {
        sb.append("\n        .").append(e.getKey().equals("toString") ? "withToString" : e.getKey()).append('(')
            .append(literal(e.getValue())).append(')');
      }
    }
    sb.append(".build());\n");
    return sb.toString();
  }

  private static Field boundField(ArgSpec a) {
    if (a.userObject() instanceof Field f) {
      if (Modifier.isPrivate(f.getModifiers()) || Modifier.isFinal(f.getModifiers())
          || Modifier.isStatic(f.getModifiers())) {
        throw new IllegalStateException("the generated model sets options' fields directly, so they must be"
            + " package-private instance fields, not final: " + f);
      }
      return f;
    }
    throw new IllegalStateException("only options and parameters on fields are supported: " + a);
  }

  private static Field fieldHolding(Object owner, Object value) {
    for (Field f : allFields(owner.getClass())) {
      try {
        f.setAccessible(true);
        if (f.get(owner) == value) {
          return f;
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no field of " + owner.getClass() + " holds the mixin " + value);
  }

  private static List<Field> allFields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      out.addAll(0, Arrays.asList(k.getDeclaredFields()));
    }
    return out;
  }

  private String source() {
    StringBuilder sb = new StringBuilder();
    sb.append("""
        package io.github.vhd4j.cli;

        import java.util.LinkedHashMap;
        import java.util.Map;
        import picocli.CommandLine;
        import picocli.CommandLine.ITypeConverter;
        import picocli.CommandLine.Model.CommandSpec;
        import picocli.CommandLine.Model.IGetter;
        import picocli.CommandLine.Model.ISetter;
        import picocli.CommandLine.Model.OptionSpec;
        import picocli.CommandLine.Model.PositionalParamSpec;
        import picocli.CommandLine.Range;

        /**
         * picocli's model of every command, built in code. GENERATED by {@code CliModelGenerator} from
         * the picocli annotations of the command classes, which stay the source: do not edit.
         *
         * <p>Why: picocli reads annotations reflectively, and the JDK makes a proxy class for every
         * annotation type it reads, which was most of every command's start-up (jmh/RESULTS.md).
         *
         * <p>After changing an {@code @Command}, {@code @Option}, {@code @Parameters}, {@code @Mixin} or
         * {@code @Spec}, regenerate this file: {@code mvn -pl cli -am test -Dtest=CliModelTest
         * -Dsurefire.failIfNoSpecifiedTests=false -Dvhd4j.regenerate=true}. {@code CliModelTest} fails
         * while it is out of date, and checks that every command's model equals the annotated one. If a
         * renamed field stops this file compiling, rename it here by hand first.
         */
        final class CliModel {
          private CliModel() {}

          /**
           * Builds the model of a command object.
           *
           * @param command one of the objects {@link Main#commands} makes
           * @return its model, bound to its fields
           */
          static CommandSpec of(Object command) {
        """);
    for (String type : dispatch) {
      sb.append("    if (command instanceof ").append(type).append(" c) {\n      return spec(c);\n    }\n");
    }
    sb.append("""
            throw new IllegalArgumentException("not a command: " + command.getClass());
          }
        """);
    sb.append(methods);
    sb.append("""

          /** Binds an option to field number {@code field} of {@code target}. */
          private static OptionSpec.Builder bind(OptionSpec.Builder builder, Object target, int field) {
            Binding b = new Binding(target, field);
            return builder.getter(b).setter(b);
          }

          /** Binds a positional parameter to field number {@code field} of {@code target}. */
          private static PositionalParamSpec.Builder bind(PositionalParamSpec.Builder builder, Object target,
              int field) {
            Binding b = new Binding(target, field);
            return builder.getter(b).setter(b);
          }

          private static Map<String, String> map(String... keysAndValues) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
              m.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
          }

          /** Reads and writes one field: what picocli's reflective binding does, without reflection. */
          private static final class Binding implements IGetter, ISetter {
            private final Object target;
            private final int field;

            Binding(Object target, int field) {
              this.target = target;
              this.field = field;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T get() {
              return (T) read(target, field);
            }

            @Override
            public <T> T set(T value) {
              T old = get();
              write(target, field, value);
              return old;
            }
          }

          private static Object read(Object o, int field) {
            switch (field) {
        """);
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      sb.append("      case ").append(i).append(": return ((").append(name(f.getDeclaringClass())).append(") o).")
          .append(f.getName()).append(";\n");
    }
    sb.append("""
              default: throw new IllegalArgumentException("no field " + field);
            }
          }

          private static void write(Object o, int field, Object value) {
            switch (field) {
        """);
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      sb.append("      case ").append(i).append(": ((").append(name(f.getDeclaringClass())).append(") o).")
          .append(f.getName()).append(" = (").append(name(boxed(f.getType()))).append(") value; return;\n");
    }
    sb.append("""
              default: throw new IllegalArgumentException("no field " + field);
            }
          }
        }
        """);
    return sb.toString();
  }

  private static Class<?> boxed(Class<?> c) {
    if (!c.isPrimitive()) {
      return c;
    }
    return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
  }

  // ---------------------------------------------------------------------------------------------
  // Literals

  private static List<String> literals(Object[] values) {
    List<String> out = new ArrayList<>();
    for (Object v : values) {
      out.add(literal(v));
    }
    return out;
  }

  /** The Java expression that makes {@code v} in the generated class. */
  static String literal(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof Boolean || v instanceof Integer) {
      return v.toString();
    }
    if (v instanceof Double d) {
      return d + "d";
    }
    if (v instanceof Character c) {
      return c == '\'' || c == '\\' ? "'\\" + c + "'" : "'" + c + "'";
    }
    if (v instanceof Class<?> c) {
      return name(c) + ".class";
    }
    if (v instanceof Enum<?> e) {
      return name(e.getDeclaringClass()) + "." + e.name();
    }
    if (v instanceof Range r) {
      return "Range.valueOf(" + quote(r.toString()) + ")";
    }
    if (v instanceof String[] a) {
      return "new String[] {" + String.join(", ", literals(a)) + "}";
    }
    if (v instanceof Class<?>[] a) {
      return "new Class<?>[] {" + String.join(", ", literals(a)) + "}";
    }
    if (v instanceof ITypeConverter<?>[] a) {
      return "new ITypeConverter<?>[] {" + String.join(", ", literals(a)) + "}";
    }
    if (v instanceof Map<?, ?> m) {
      List<String> kv = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        kv.add(literal(e.getKey()));
        kv.add(literal(e.getValue()));
      }
      return "map(" + String.join(", ", kv) + ")";
    }
    if (v instanceof Collection<?> c) {
      return "java.util.List.of(" + String.join(", ", literals(c.toArray())) + ")";
    }
    // Converters, completion candidates, version providers: a new instance, as picocli's default
    // factory makes one for the reflective model.
    Class<?> c = v.getClass();
    if (c.isAnonymousClass() || c.isSynthetic() || c.getCanonicalName() == null) {
      throw new IllegalStateException("cannot write a literal for " + v + " (" + c + ")");
    }
    return "new " + name(c) + "()";
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20 || ch > 0x7e) {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** A class's name as the generated file (in this package, importing CommandLine) writes it. */
  static String name(Class<?> c) {
    String n = c.getCanonicalName();
    if (n == null) {
      throw new IllegalStateException("no canonical name: " + c);
    }
    if (n.startsWith(PACKAGE)) {
      return n.substring(PACKAGE.length());
    }
    if (n.startsWith("java.lang.") && n.indexOf('.', "java.lang.".length()) < 0) {
      return n.substring("java.lang.".length());
    }
    if (n.startsWith("picocli.CommandLine.")) {
      return n.substring("picocli.".length());
    }
    return n;
  }
}
