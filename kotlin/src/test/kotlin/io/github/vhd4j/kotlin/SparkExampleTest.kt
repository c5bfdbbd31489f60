package io.github.vhd4j.kotlin

import io.github.vhd4j.CreateOptions
import io.github.vhd4j.Vhd
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import kotlin.random.Random
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.functions.col
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** The Spark data source from Kotlin: a directory of images read in images and content modes. */
class SparkExampleTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `reads a directory of images with format vhd`() {
        val data = Random(3).nextBytes(4 shl 20)  // blocks 2 and 3 (2 MiB each), whole
        Vhd.create(dir.resolve("disk.vhd"), CreateOptions.dynamic(16L shl 20)).use { it.write(4L shl 20, ByteBuffer.wrap(data)) }
        Files.write(dir.resolve("broken.vhd"), ByteArray(1000))

        val spark = SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate()
        try {
            val images = spark.read().format("vhd").load(dir.toUri().toString())
                .orderBy("path").collectAsList()
            assertEquals(2, images.size)
            assertNotNull(images[0].getAs<String>("error"))               // broken.vhd: a row, not a failure
            assertNull(images[1].getAs<String>("error"))
            assertEquals("dynamic", images[1].getAs<String>("diskType"))

            val chunks = spark.read().format("vhd")
                .option("mode", "content")
                .option("chunkSize", "1m")
                .option("onError", "skip")
                .load(dir.toUri().toString())
                .where(col("path").endsWith("disk.vhd"))
                .orderBy("offset")
                .collectAsList()
            assertEquals(listOf(4L shl 20, 5L shl 20, 6L shl 20, 7L shl 20), chunks.map { it.getAs<Long>("offset") })
            val bytes = chunks.map { it.getAs<ByteArray>("data") }.reduce { a, b -> a + b }
            assertEquals(data.toList(), bytes.toList())
        } finally {
            spark.stop()
        }
    }
}
