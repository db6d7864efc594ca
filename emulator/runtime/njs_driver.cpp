#include "emulator/runtime/njs_driver.h"

namespace cfl::runtime {

// The driver runs in njs (without -s: it reads its per-run input with the fs
// module, which only it keeps) as the whole script, applied to the function's
// object {code, runtime, kind}. It
//  1. keeps what it needs (fs, the Function constructor, console.log, JSON),
//  2. removes what a CloudFront function must not have: require (fs among
//     others), process (argv, env), print, timers, eval and every way back to
//     the Function constructor, njs's own objects, and in 1.0 Buffer,
//  3. compiles the code as a function body, so that an import statement can
//     only be the ones it rewrote (an import at the top level would make njs
//     read a file), with require limited to crypto and querystring,
//  4. reads the run's input {nonce, event, store, logLimit} from descriptor 3
//     (a zygote forks here: njs_zygote_shim.c); fs stays in its closure,
//  5. prints "NONCE ready", runs the code's top level, calls handler(event)
//     (a connection function: connectionHandler(connection), the event with
//     allow() and deny() added), awaits a promise, checks what came back (or
//     what the connection function decided), prints "NONCE {result}" and reads
//     descriptor 3 once more (a zygote's fork exits there).
// Only lines starting with the nonce count: code cannot reach the real
// console.log, and cannot guess the nonce.
std::string_view NjsDriverSource() {
  static constexpr std::string_view kSource = R"JS((function (input) {
'use strict';
var fs = require('fs');
var Bytes = Buffer;
var compile = Function;
var print = console.log;
var stringify = JSON.stringify;
var parse = JSON.parse;
var njsObject = njs;
var dump = njs.dump;
var keys = Object.keys;
var isArray = Array.isArray;
var now = Date.now;
var connectionKind = input.kind === 'connection';
var handlerName = connectionKind ? 'connectionHandler' : 'handler';
var decision = null;
var started = 0;
var finished = false;
var logs = [];
var logBytes = 0;

function report(result) {
  if (finished) return;
  finished = true;
  result.logs = logs;
  result.ms = started ? now() - started : 0;
  print(input.nonce + ' ' + stringify(result));
  // Reading descriptor 3 past its end tells a zygote's fork that the run is over: it exits at
  // once, without njs freeing its memory (which would copy every page it shares with the zygote).
  fs.readSync(3, Bytes.alloc(1), 0, 1, null);
}

function text(value) {
  return typeof value === 'string' ? value : dump(value);
}

function log() {
  var parts = [];
  for (var i = 0; i < arguments.length; i++) parts.push(text(arguments[i]));
  var line = parts.join(' ');
  if (logBytes >= input.logLimit) return;
  if (logBytes + line.length > input.logLimit) line = line.substring(0, input.logLimit - logBytes);
  logBytes += line.length;
  logs.push(line);
}

var blocked = function () { throw new EvalError('dynamic code evaluation is not supported'); };
[compile.prototype, Object.getPrototypeOf(async function () {})].forEach(function (prototype) {
  Object.defineProperty(prototype, 'constructor', {value: blocked, writable: false, configurable: false});
});
['process', 'print', 'eval', 'Function', 'setTimeout', 'setImmediate', 'clearTimeout', 'njs', '$262']
    .forEach(function (name) { delete globalThis[name]; });
if (input.runtime === 1) delete globalThis.Buffer;
console.log = console.info = console.warn = console.error = console.debug = console.trace = log;

var builtin = require;
delete globalThis.require;
function restrictedRequire(name) {
  if (name === 'crypto' || name === 'querystring') return builtin(name);
  if (input.runtime === 2 && name === 'buffer') return {Buffer: Buffer};
  throw new Error('Cannot find module "' + name + '"');
}

function kvsError(message) { return Promise.reject(new Error(message)); }

function makeStore(data) {
  var entries = Object.create(null);
  data.entries.forEach(function (pair) { entries[pair[0]] = pair[1]; });
  var has = function (key) { return Object.prototype.hasOwnProperty.call(entries, key); };
  return {
    get: function (key, options) {
      var format = options && options.format !== undefined ? options.format : 'string';
      if (!has(String(key))) return kvsError('Key "' + key + '" does not exist in the key value store');
      var value = entries[String(key)];
      if (format === 'string') return Promise.resolve(value);
      if (format === 'json') {
        try { return Promise.resolve(parse(value)); } catch (e) { return kvsError('The value of "' + key + '" is not JSON'); }
      }
      if (format === 'bytes') return Promise.resolve(Buffer.from(value, 'utf8'));
      return kvsError('Unknown format "' + format + '": use string, json or bytes');
    },
    exists: function (key) { return Promise.resolve(has(String(key))); },
    meta: function () {
      return Promise.resolve({creationDateTime: new Date(data.created).toISOString(),
                              lastUpdatedDateTime: new Date(data.modified).toISOString(),
                              keyCount: data.entries.length});
    }
  };
}

var cloudfront = {
  kvs: function (id) {
    if (!input.store) throw new Error('No key value store is associated with this function');
    if (id !== undefined && id !== input.store.id) {
      throw new Error('The key value store ' + id + ' is not associated with this function');
    }
    return makeStore(input.store);
  }
};

function importModule(name) {
  if (name === 'cloudfront') return cloudfront;
  return restrictedRequire(name);
}

// import cf from 'cloudfront'; → var cf = __cfl_import('cloudfront'); (same line, line numbers kept)
function rewriteImports(code) {
  return code.replace(/^([ \t]*)import[ \t]+([A-Za-z_$][\w$]*)[ \t]+from[ \t]*(['"])(cloudfront|crypto|querystring|buffer)\3[ \t]*;?/gm,
                      function (all, indent, name, quote, module) {
                        return indent + 'var ' + name + ' = __cfl_import("' + module + '");';
                      });
}

function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }

function fill(object, member, value) {
  if (object[member] === undefined) object[member] = value;
}

// What the function returned, as FunctionOutput shows it; throws when it is not an event.
function outputOf(value) {
  var eventType = input.event.context && input.event.context.eventType;
  if (!isObject(value)) {
    throw new TypeError('The function returned ' + (value === null ? 'null' : typeof value) +
                        ': it must return the request or a response object');
  }
  var isResponse = value.statusCode !== undefined;
  if (eventType === 'viewer-response' && !isResponse) {
    throw new TypeError('A viewer-response function must return a response object with a statusCode');
  }
  if (isResponse) {
    if (typeof value.statusCode !== 'number' || value.statusCode % 1 !== 0 ||
        value.statusCode < 100 || value.statusCode > 599) {
      throw new TypeError('The statusCode of the response must be an integer from 100 to 599');
    }
    fill(value, 'headers', {});
    fill(value, 'cookies', {});
    return {response: value};
  }
  if (typeof value.uri !== 'string' || value.uri.charAt(0) !== '/') {
    throw new TypeError('The uri of the request must be a string starting with /');
  }
  fill(value, 'headers', {});
  fill(value, 'cookies', {});
  fill(value, 'querystring', {});
  return {request: value};
}

// The connection a connection function gets: the event, and the two ways to decide.
function connectionOf(event) {
  var decide = function (action) {
    return function () {
      if (decision !== null && decision !== action) {
        throw new Error('The connection was already ' + (decision === 'allow' ? 'allowed' : 'denied'));
      }
      decision = action;
    };
  };
  Object.defineProperty(event, 'allow', {value: decide('allow')});
  Object.defineProperty(event, 'deny', {value: decide('deny')});
  return event;
}

function decisionOf() {
  if (decision === null) {
    throw new TypeError('The connection function must call connection.allow() or connection.deny()');
  }
  return {action: decision};
}

function finish(value) {
  try {
    report({output: stringify(connectionKind ? decisionOf() : outputOf(value))});
  } catch (e) {
    report({error: String(e)});
  }
}

function fail(error) {
  report({error: error instanceof Error ? String(error) : 'Uncaught ' + text(error)});
}

njsObject.on('exit', function () {
  if (!finished) report({error: 'The function did not return: its promise never settled'});
});

// The run's input, {nonce, event, store, logLimit}: JSON on descriptor 3 until its end.
function readRun() {
  var chunks = [];
  var chunk = Bytes.alloc(16384);
  var got;
  while ((got = fs.readSync(3, chunk, 0, chunk.length, null)) > 0) chunks.push(Bytes.from(chunk.slice(0, got)));
  var run = parse(Bytes.concat(chunks).toString());
  input.nonce = run.nonce;
  input.event = run.event;
  input.store = run.store;
  input.logLimit = run.logLimit;
}

var main;
var compileError = null;
try {
  var code = input.runtime === 2 ? rewriteImports(input.code) : input.code;
  main = compile('require', '__cfl_import',
                 '"use strict";' + code + '\n;return typeof ' + handlerName + ' === "function" ? ' + handlerName +
                 ' : undefined;');
} catch (e) {
  compileError = String(e);
}
// Everything above runs before the request (in a zygote, once per function); from here on, per run.
readRun();
if (compileError !== null) report({error: compileError});
if (!finished) {
  print(input.nonce + ' ready');
  started = now();
  try {
    var handler = main(restrictedRequire, importModule);
    if (handler === undefined) {
      report({error: 'The function code does not define a ' + handlerName + ' function'});
    } else {
      var returned = handler(connectionKind ? connectionOf(input.event) : input.event);
      if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
        returned.then(finish, fail);
      } else {
        finish(returned);
      }
    }
  } catch (e) {
    fail(e);
  }
}
}))JS";
  return kSource;
}

}  // namespace cfl::runtime
