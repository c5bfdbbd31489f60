package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.github.vhd4j.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Locale;

/** JSON output through jackson-core's streaming generator, laid out like qemu-img's. */
final class Json {
  // The generator must not close System.out when it is closed.
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private Json() {}

  /**
   * Creates a generator for pretty-printed output: four-space indentation, {@code "key": value},
   * one array element per line, as {@code qemu-img info --output=json} prints.
   *
   * @param out the target; not closed by the generator
   * @return the generator
   * @throws IOException if the generator cannot be created
   */
  static JsonGenerator pretty(OutputStream out) throws IOException {
    DefaultIndenter indent = new DefaultIndenter("    ", "\n");
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    PrettyPrinter pp = new DefaultPrettyPrinter()
        .withObjectIndenter(indent)
        .withArrayIndenter(indent)
        .withSeparators(separators);
    return FACTORY.createGenerator(out, JsonEncoding.UTF8).setPrettyPrinter(pp);
  }

  /**
   * Creates a generator that writes compactly, without any space or line break: one value is one
   * line of JSON Lines.
   *
   * @param out the target; not closed by the generator
   * @return the generator
   * @throws IOException if the generator cannot be created
   */
  static JsonGenerator compact(Writer out) throws IOException {
    return FACTORY.createGenerator(out);
  }

  /**
   * Creates a generator that prints an array of flat objects one per line, as
   * {@code qemu-img map --output=json} does: {@code [{ "start": 0, ...},\n{ ...}]}. Each line
   * is complete when written, so a long map streams.
   *
   * @param out the target; not closed by the generator
   * @return the generator
   * @throws IOException if the generator cannot be created
   */
  static JsonGenerator lines(OutputStream out) throws IOException {
    return FACTORY.createGenerator(out, JsonEncoding.UTF8).setPrettyPrinter(new LinePrinter());
  }

  /**
   * Writes a problem as an object: code, severity, resource, structure, field, offset (null when
   * not applicable), expected and actual (when known), message.
   *
   * @param g the generator
   * @param p the problem
   * @throws IOException if writing fails
   */
  static void problem(JsonGenerator g, Problem p) throws IOException {
    g.writeStartObject();
    g.writeStringField("code", p.code().name());
    g.writeStringField("severity", p.severity().name().toLowerCase(Locale.ROOT));
    g.writeStringField("resource", p.resource());
    g.writeStringField("structure", p.structure());
    g.writeStringField("field", p.field());
    if (p.offset() >= 0) {
      g.writeNumberField("offset", p.offset());
    } else {
      g.writeNullField("offset");
    }
    if (p.expected() != null) {
      g.writeStringField("expected", p.expected());
    }
    if (p.actual() != null) {
      g.writeStringField("actual", p.actual());
    }
    g.writeStringField("message", p.message());
    g.writeEndObject();
  }

  /** The one-object-per-line layout of {@code qemu-img map --output=json}. */
  private static final class LinePrinter implements PrettyPrinter {
    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw("{ ");
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      g.writeRaw('}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      g.writeRaw(']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(",\n");
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) {}

    @Override
    public void beforeObjectEntries(JsonGenerator g) {}
  }
}
