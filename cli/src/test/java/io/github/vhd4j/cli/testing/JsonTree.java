package io.github.vhd4j.cli.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON that {@code vhd} and qemu-img print into plain Java values, with jackson-core's
 * streaming parser: objects become {@link LinkedHashMap}s (key order kept), arrays
 * {@link ArrayList}s, and scalars {@link String}, {@link Long}, {@link Double} or {@link Boolean};
 * JSON null becomes {@link #NULL}, so that a key present with null differs from an absent key.
 * Shared by the cli and conformance test suites.
 */
public final class JsonTree {
  /** Stands for JSON null in parsed values. */
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonTree() {}

  /**
   * Parses exactly one JSON value.
   *
   * @param json the text
   * @return the value
   * @throws IOException if the text is not one JSON value, or an object repeats a key
   */
  public static Object parse(String json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new IOException("no JSON value");
      }
      Object v = value(p);
      if (p.nextToken() != null) {
        throw new IOException("trailing content after the JSON value: " + json);
      }
      return v;
    }
  }

  /**
   * Parses a JSON object.
   *
   * @param json the text
   * @return the object's members
   * @throws IOException if the text is not valid JSON
   * @throws ClassCastException if the value is not an object
   */
  public static Map<String, Object> object(String json) throws IOException {
    return object(parse(json));
  }

  /**
   * Parses a JSON array of objects.
   *
   * @param json the text
   * @return the objects
   * @throws IOException if the text is not valid JSON
   * @throws ClassCastException if the value is not an array
   */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> objects(String json) throws IOException {
    return (List<Map<String, Object>>) parse(json);
  }

  /**
   * Casts a parsed value to an object.
   *
   * @param v a value from {@link #parse}
   * @return its members
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object v) {
    return (Map<String, Object>) v;
  }

  /**
   * Casts a parsed value to an array.
   *
   * @param v a value from {@link #parse}
   * @return its elements
   */
  @SuppressWarnings("unchecked")
  public static List<Object> array(Object v) {
    return (List<Object>) v;
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          p.nextToken();
          if (m.containsKey(k)) {
            throw new IOException("duplicate key " + k);
          }
          m.put(k, value(p));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IOException("unexpected JSON token " + t);
    }
  }
}
