import { describe, expect, it } from 'vitest';
import { NetError, errnoNumber, isErrnoCode, isNetError, strerror, type ErrnoCode } from '../src/index.js';

describe('errno table', () => {
  const sample: readonly [ErrnoCode, number, string][] = [
    ['EPERM', 1, 'Operation not permitted'],
    ['ENOENT', 2, 'No such file or directory'],
    ['ESRCH', 3, 'No such process'],
    ['EBADF', 9, 'Bad file descriptor'],
    ['EEXIST', 17, 'File exists'],
    ['ENODEV', 19, 'No such device'],
    ['EINVAL', 22, 'Invalid argument'],
    ['ENOBUFS', 105, 'No buffer space available'],
    ['ENOPROTOOPT', 92, 'Protocol not available'],
    ['EPROTONOSUPPORT', 93, 'Protocol not supported'],
    ['EOPNOTSUPP', 95, 'Operation not supported'],
    ['EAFNOSUPPORT', 97, 'Address family not supported by protocol'],
    ['EADDRINUSE', 98, 'Address already in use'],
    ['EADDRNOTAVAIL', 99, 'Cannot assign requested address'],
    ['ENETUNREACH', 101, 'Network is unreachable'],
    ['ECONNREFUSED', 111, 'Connection refused'],
    ['EHOSTUNREACH', 113, 'No route to host'],
  ];

  it.each(sample)('%s is %i, "%s"', (code, number, text) => {
    expect(errnoNumber(code)).toBe(number);
    expect(strerror(code)).toBe(text);
  });

  it('isErrnoCode knows the table and nothing else', () => {
    expect(isErrnoCode('EINVAL')).toBe(true);
    expect(isErrnoCode('EADDRINUSE')).toBe(true);
    expect(isErrnoCode('EWHATEVER')).toBe(false);
    expect(isErrnoCode('einval')).toBe(false);
    expect(isErrnoCode('')).toBe(false);
    // Inherited properties of a plain object are not errno names.
    expect(isErrnoCode('toString')).toBe(false);
    expect(isErrnoCode('constructor')).toBe(false);
    expect(isErrnoCode('__proto__')).toBe(false);
  });
});

describe('NetError', () => {
  it('carries code, number and strerror; message is the strerror text without a detail', () => {
    const e = new NetError('ECONNREFUSED');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(NetError);
    expect(e.name).toBe('NetError');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.errno).toBe(111);
    expect(e.strerror).toBe('Connection refused');
    expect(e.message).toBe('Connection refused');
    expect(e.detail).toBeUndefined();
    expect(e.syscall).toBeUndefined();
  });

  it('message is the detail when there is one; syscall is kept', () => {
    const detail = 'Cannot create namespace file "/run/netns/a": File exists';
    const e = new NetError('EEXIST', { detail, syscall: 'open' });
    expect(e.code).toBe('EEXIST');
    expect(e.errno).toBe(17);
    expect(e.strerror).toBe('File exists');
    expect(e.detail).toBe(detail);
    expect(e.message).toBe(detail);
    expect(e.syscall).toBe('open');
  });

  it('a syscall alone does not change the message', () => {
    const e = new NetError('EADDRINUSE', { syscall: 'bind' });
    expect(e.message).toBe('Address already in use');
    expect(e.syscall).toBe('bind');
    expect(e.errno).toBe(98);
  });

  it('an empty detail is still the message (?? not ||)', () => {
    const e = new NetError('EINVAL', { detail: '' });
    expect(e.message).toBe('');
    expect(e.strerror).toBe('Invalid argument');
  });

  it('is throwable and catchable as an Error with its code', () => {
    const thrower = (): never => {
      throw new NetError('ENETUNREACH', { syscall: 'connect' });
    };
    expect(thrower).toThrow(NetError);
    expect(thrower).toThrow('Network is unreachable');
    expect(thrower).toThrow(expect.objectContaining({ code: 'ENETUNREACH', errno: 101, syscall: 'connect' }));
  });
});

describe('isNetError', () => {
  it('recognises a NetError, with or without a code', () => {
    const e = new NetError('ENOENT');
    expect(isNetError(e)).toBe(true);
    expect(isNetError(e, 'ENOENT')).toBe(true);
    expect(isNetError(e, 'EEXIST')).toBe(false);
  });

  it('rejects other values, including look-alikes', () => {
    expect(isNetError(new Error('No such file or directory'))).toBe(false);
    expect(isNetError({ code: 'ENOENT', errno: 2, message: 'No such file or directory' })).toBe(false);
    expect(isNetError({ code: 'ENOENT' }, 'ENOENT')).toBe(false);
    expect(isNetError(undefined)).toBe(false);
    expect(isNetError(null)).toBe(false);
    expect(isNetError('ENOENT')).toBe(false);
  });
});

describe('NetError with an extended ack', () => {
  it('prints as iproute2 does, with one closing period', () => {
    const e = new NetError('EINVAL', { extack: 'The interface netns is immutable' });
    expect(e.extack).toBe('The interface netns is immutable');
    expect(e.message).toBe('Error: The interface netns is immutable.');
    expect(new NetError('EEXIST', { extack: 'ipv4: Address already assigned.' }).message).toBe(
      'Error: ipv4: Address already assigned.',
    );
  });

  it('a detail still wins over the extack', () => {
    const e = new NetError('EINVAL', { extack: 'x', detail: 'tool text' });
    expect(e.message).toBe('tool text');
    expect(new NetError('EINVAL').extack).toBeUndefined();
  });
});
