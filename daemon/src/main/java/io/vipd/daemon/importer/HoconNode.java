package io.vipd.daemon.importer;

/** A value in the HOCON document the importer writes: object, array or scalar. */
sealed interface HoconNode permits HoconObject, HoconArray, HoconValue {}
