package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;

/**
 * Keeps {@link CliModel}, picocli's model built in code, equal to the model picocli builds from the
 * annotations of the command classes.
 */
class CliModelTest {
  private static final Io IO = new Io(System.out, System.err, null);

  /**
   * The checked-in file is what the generator writes today. With {@code -Dvhd4j.regenerate=true}
   * it is rewritten instead, and the test fails once more to say so.
   */
  @Test
  void generatedFileIsCurrent() throws IOException {
    String generated = CliModelGenerator.generate(Main.commands(IO));
    Path file = Path.of(CliModelGenerator.TARGET);
    String current = Files.readString(file, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("vhd4j.regenerate") && !generated.equals(current)) {
      Files.writeString(file, generated, StandardCharsets.UTF_8);
      current = "(rewritten; compile and run again)";
    }
    assertEquals(generated, current, CliModelGenerator.TARGET + " is out of date: regenerate it as its header says");
  }

  static Stream<Integer> commandIndexes() {
    return IntStream.range(0, Main.commands(IO).size()).boxed();
  }

  /** Every property of every command, option and parameter is the same in both models. */
  @ParameterizedTest
  @MethodSource("commandIndexes")
  void generatedModelEqualsAnnotatedModel(int index) {
    CommandSpec annotated = CommandSpec.forAnnotatedObject(Main.commands(IO).get(index));
    CommandSpec generated = CliModel.of(Main.commands(IO).get(index));
    String expected = CliModelGenerator.describe(annotated);
    // Described: the command, its usage message and parser settings, and every argument.
    for (String part : List.of("name = ", "\nusage.footer = ", "\nparser.separator = ", "\n  paramLabel = ")) {
      assertTrue(expected.contains(part), part);
    }
    assertEquals(expected, CliModelGenerator.describe(generated));
  }

  /** The generated bindings write the command object's own fields, and @Spec fields are set. */
  @Test
  void bindingsWriteTheCommandsFields() {
    ConvertCommand convert = new ConvertCommand(IO);
    CommandLine cl = new CommandLine(CliModel.of(convert));
    cl.parseArgs("-O", "fixed", "--size-policy", "chs", "--lenient", "-p", "in.vhd", "out.vhd");
    assertEquals(ConvertCommand.Output.FIXED, convert.outputFormat);
    assertEquals(io.github.vhd4j.SizePolicy.CHS, convert.common.sizePolicy);
    assertEquals(true, convert.common.lenient);
    assertEquals(true, convert.progress);
    assertEquals(Path.of("in.vhd"), convert.in);
    assertEquals(Path.of("out.vhd"), convert.out);
    // A second parse starts again from the initial values, as picocli's reflective model does.
    cl.parseArgs("a", "b");
    assertEquals(ConvertCommand.Output.RAW, convert.outputFormat);
    assertEquals(io.github.vhd4j.SizePolicy.AUTO, convert.common.sizePolicy);
    assertEquals(false, convert.common.lenient);

    Main.Top top = new Main.Top(IO);
    CommandSpec spec = CliModel.of(top);
    assertSame(spec, top.spec);
    CompletionCommand completion = new CompletionCommand(IO);
    assertSame(CliModel.of(completion), completion.spec);
    assertFalse(spec.options().isEmpty());
  }

  /**
   * Every option and parameter of the generated model writes the field its annotation is on, in
   * the object it was built for (the command, or the mixin object the command holds).
   */
  @ParameterizedTest
  @MethodSource("commandIndexes")
  void everyArgumentWritesItsOwnField(int index) throws Exception {
    Object command = Main.commands(IO).get(index);
    List<ArgSpec> generated = CliModel.of(command).args();
    List<ArgSpec> annotated = CommandSpec.forAnnotatedObject(Main.commands(IO).get(index)).args();
    assertEquals(annotated.size(), generated.size());
    for (int i = 0; i < generated.size(); i++) {
      Field field = (Field) annotated.get(i).userObject();
      Object owner = owner(command, field.getDeclaringClass());
      Object value = sample(field.getType(), i);
      generated.get(i).setValue(value);
      field.setAccessible(true);
      assertEquals(value, field.get(owner), field.toString());
      assertEquals(value, generated.get(i).getValue(), field.toString());
    }
  }

  /**
   * A value of {@code type} that no field holds initially (for Long and Path, different for each
   * {@code i}). Each value is checked right after it is set, so two fields of one type that
   * swapped their bindings still fail: the first one set leaves its own field as it was.
   */
  private static Object sample(Class<?> type, int i) {
    if (type == boolean.class) {
      return true;
    }
    if (type == Long.class || type == long.class) {
      return 1000L + i;
    }
    if (type == Path.class) {
      return Path.of("sample-" + i);
    }
    if (type == Path[].class) {
      // Compared by identity, which is what the field must then hold.
      return new Path[] {Path.of("sample-" + i)};
    }
    if (type == Integer.class || type == int.class) {
      return 1000 + i;
    }
    if (type.isEnum()) {
      Object[] constants = type.getEnumConstants();
      return constants[constants.length - 1];
    }
    throw new AssertionError("no sample value for " + type + ": extend this test");
  }

  /** The object holding fields of {@code declaring}: the command, or a mixin it holds. */
  private static Object owner(Object command, Class<?> declaring) throws IllegalAccessException {
    List<Object> queue = new ArrayList<>(List.of(command));
    for (int i = 0; i < queue.size(); i++) {
      Object o = queue.get(i);
      if (declaring.isInstance(o)) {
        return o;
      }
      for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (f.isAnnotationPresent(Mixin.class)) {
            f.setAccessible(true);
            queue.add(f.get(o));
          }
        }
      }
    }
    throw new AssertionError(declaring + " is not the command's class nor one of its mixins");
  }
}
