package io.github.vhd4j.kotlin

import kotlin.reflect.KType
import kotlin.test.assertTrue

/** Asserts that the compiler typed an expression as nullable, not as a platform type. */
internal fun nullable(type: KType) {
  assertTrue(type.isMarkedNullable, "$type should be nullable")
  assertTrue('!' !in type.toString(), "$type should not be a platform type")
}

/** Asserts that the compiler typed an expression, and each of its type arguments, as non-null. */
internal fun nonNull(type: KType) {
  assertTrue(!type.isMarkedNullable, "$type should be non-null")
  assertTrue('!' !in type.toString(), "$type should not be a platform type")
  for (argument in type.arguments) {
    nonNull(argument.type ?: error("star projection in $type"))
  }
}
