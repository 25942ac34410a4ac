/**
 * The deadlines of a client's calls, on one timer (src/http/deadlines.ts): each call expires at its
 * own deadline, never after it ended; the timer holds the process open only when asked to, and only
 * while a call is in flight.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadline, Deadlines } from '../../../src/http/deadlines.js';

class Call extends Deadline {
  expired = 0;
  constructor(readonly dueAt: number) {
    super();
  }
  expire(): void {
    this.expired++;
  }
}

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('Deadlines', () => {
  it('expires each call at its own deadline, earliest first, whatever the order they started in', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const deadlines = new Deadlines<Call>({ holdsProcess: true });
    const now = performance.now();
    const late = new Call(now + 300);
    const early = new Call(now + 100);
    const middle = new Call(now + 200);
    deadlines.add(late);
    deadlines.add(early);
    deadlines.add(middle);
    await vi.advanceTimersByTimeAsync(99);
    expect([early.expired, middle.expired, late.expired]).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(1);
    expect([early.expired, middle.expired, late.expired]).toEqual([1, 0, 0]);
    await vi.advanceTimersByTimeAsync(100);
    expect([early.expired, middle.expired, late.expired]).toEqual([1, 1, 0]);
    await vi.advanceTimersByTimeAsync(100);
    expect([early.expired, middle.expired, late.expired]).toEqual([1, 1, 1]);
    expect(deadlines.entries()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect([early.expired, middle.expired, late.expired], 'once each').toEqual([1, 1, 1]);
    deadlines.clear();
  });

  it('keeps each deadline under fake timers that leave performance.now() real', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const deadlines = new Deadlines<Call>({ holdsProcess: true });
    const now = performance.now();
    const first = new Call(now + 100);
    const second = new Call(now + 300);
    deadlines.add(first);
    deadlines.add(second);
    // Real milliseconds pass while the test runs (performance.now() is real here): a deadline may
    // come that much early, never a fake interval late.
    await vi.advanceTimersByTimeAsync(100);
    expect(first.expired).toBe(1);
    await vi.advanceTimersByTimeAsync(150);
    expect(second.expired, 'not long before its time').toBe(0);
    await vi.advanceTimersByTimeAsync(50);
    expect(second.expired, 'by its time').toBe(1);
    deadlines.clear();
  });

  it('never expires a call that ended before its deadline, and keeps the others', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const deadlines = new Deadlines<Call>({ holdsProcess: true });
    const now = performance.now();
    const ended = new Call(now + 100);
    const running = new Call(now + 150);
    deadlines.add(ended);
    deadlines.add(running);
    deadlines.delete(ended);
    await vi.advanceTimersByTimeAsync(150);
    expect(ended.expired).toBe(0);
    expect(running.expired).toBe(1);
    deadlines.clear();
  });

  it('keeps the calls in flight in the order they started, whichever ends first', () => {
    const deadlines = new Deadlines<Call>({ holdsProcess: false });
    const [a, b, c] = [1, 2, 3].map((i) => new Call(performance.now() + 60_000 + i)) as [Call, Call, Call];
    deadlines.add(a);
    deadlines.add(b);
    deadlines.add(c);
    deadlines.delete(b);
    expect(deadlines.entries()).toEqual([a, c]);
    deadlines.delete(a);
    deadlines.delete(a);
    expect(deadlines.entries()).toEqual([c]);
    deadlines.add(b);
    deadlines.add(b);
    expect(deadlines.entries()).toEqual([c, b]);
    deadlines.delete(b);
    deadlines.delete(c);
    expect(deadlines.entries()).toEqual([]);
    deadlines.add(a);
    expect(deadlines.entries()).toEqual([a]);
    deadlines.clear();
    expect(deadlines.entries()).toEqual([]);
  });

  it('clear() forgets every call and stops the timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const deadlines = new Deadlines<Call>({ holdsProcess: true });
    const call = new Call(performance.now() + 50);
    deadlines.add(call);
    deadlines.clear();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(call.expired).toBe(0);
  });

  it('an expire that throws ends neither the others nor the timer; its error is thrown on', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const thrown: unknown[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      try {
        task();
      } catch (error) {
        thrown.push(error);
      }
    });
    const deadlines = new Deadlines<Call>({ holdsProcess: true });
    const now = performance.now();
    const failing = new Call(now + 10);
    failing.expire = () => {
      throw new Error('listener failed');
    };
    const sameTime = new Call(now + 10);
    const later = new Call(now + 20);
    deadlines.add(failing);
    deadlines.add(sameTime);
    deadlines.add(later);
    await vi.advanceTimersByTimeAsync(10);
    expect(sameTime.expired).toBe(1);
    expect(thrown).toEqual([new Error('listener failed')]);
    await vi.advanceTimersByTimeAsync(10);
    expect(later.expired, 'the timer was re-armed').toBe(1);
    deadlines.clear();
  });

  it('holds the process open only while a call is in flight, and only when asked to', () => {
    const before = timeouts();
    const holding = new Deadlines<Call>({ holdsProcess: true });
    const call = new Call(performance.now() + 60_000);
    holding.add(call);
    expect(timeouts(), 'in flight: held').toBe(before + 1);
    holding.delete(call);
    expect(timeouts(), 'none in flight: not held').toBe(before);
    holding.add(new Call(performance.now() + 60_000));
    expect(timeouts(), 'in flight again: held again').toBe(before + 1);
    holding.clear();

    const notHolding = new Deadlines<Call>({ holdsProcess: false });
    notHolding.add(new Call(performance.now() + 60_000));
    expect(timeouts(), 'the built-in transport holds the process itself').toBe(before);
    notHolding.clear();
  });
});
