//! From a flat list of records to tracks: one per task, one for the loop,
//! one per worker thread. Both drawings (the text timeline and the Chrome
//! trace) are made from these.

use std::collections::HashMap;
use std::panic::Location;
use std::time::Duration;

use super::{Record, TaskEnd, Trace, TraceEvent};

/// From `start` to `end`, on the loop's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: Duration,
    pub(crate) end: Duration,
}

/// One task's life.
#[derive(Debug)]
pub(crate) struct TaskTrack {
    pub(crate) number: u64,
    pub(crate) name: String,
    /// The future's function, shortened (`count_down`), or empty.
    pub(crate) future: &'static str,
    pub(crate) location: Option<&'static Location<'static>>,
    pub(crate) spawned: Duration,
    pub(crate) done: Option<(Duration, TaskEnd)>,
    pub(crate) polls: Vec<Span>,
    /// When it was woken, and from which thread if not the loop's.
    pub(crate) wakes: Vec<(Duration, Option<String>)>,
}

/// `count_down` from `my_crate::count_down::{{closure}}`: the last path
/// segment that is not a closure; empty for a type that is not a function's.
pub fn short_name(type_name: &str) -> &str {
    let path = type_name.split('<').next().unwrap_or(type_name);
    path.rsplit("::").find(|segment| !segment.starts_with('{')).unwrap_or("")
}

impl TaskTrack {
    /// The row's label: the name, and the future's function if the name is
    /// the default `Task-N`.
    pub(crate) fn label(&self) -> String {
        if self.future.is_empty() || !self.name.starts_with("Task-") {
            self.name.clone()
        } else {
            format!("{} {}", self.name, self.future)
        }
    }

    /// When the task stopped being alive: done, or the end of the trace.
    pub(crate) fn end(&self, trace_end: Duration) -> Duration {
        self.done.map_or(trace_end, |(at, _)| at)
    }
}

/// What the loop's thread did, apart from polling tasks.
#[derive(Debug, Default)]
pub(crate) struct LoopTrack {
    pub(crate) callbacks: Vec<(Span, &'static str)>,
    pub(crate) parked: Vec<(Span, Option<Duration>)>,
    pub(crate) timers: Vec<(Duration, usize)>,
    pub(crate) io: Vec<(Duration, u64, bool, bool)>,
}

/// The jobs one worker thread ran.
#[derive(Debug)]
pub(crate) struct WorkerTrack {
    pub(crate) thread: String,
    pub(crate) jobs: Vec<(u64, Span)>,
}

/// A trace, sorted into tracks.
#[derive(Debug, Default)]
pub(crate) struct Model {
    pub(crate) tasks: Vec<TaskTrack>,
    pub(crate) event_loop: LoopTrack,
    pub(crate) workers: Vec<WorkerTrack>,
    pub(crate) end: Duration,
    /// Where each task's track is in `tasks`: a trace of 100,000 tasks
    /// looks one up per record.
    index: HashMap<u64, usize>,
}

impl Model {
    pub(crate) fn new(trace: &Trace) -> Model {
        let end = trace.records.last().map_or(trace.end, |last| last.at.max(trace.end));
        let mut model = Model { end, ..Model::default() };
        let mut open_poll: Option<(u64, Duration)> = None;
        let mut open_callback: Option<(&'static str, Duration)> = None;
        let mut open_park: Option<(Duration, Option<Duration>)> = None;
        let mut open_jobs: Vec<(u64, String, Duration)> = Vec::new();
        for &Record { at, ref event } in &trace.records {
            match event {
                TraceEvent::Spawned { task, name, future, location } => {
                    let track = model.task(*task, at);
                    track.name.clone_from(name);
                    track.future = short_name(future);
                    track.location = Some(location);
                }
                TraceEvent::Renamed { task, name } => {
                    model.task(*task, at).name.clone_from(name)
                }
                TraceEvent::PollStart { task } => open_poll = Some((*task, at)),
                TraceEvent::PollEnd { task } => {
                    if let Some((started, start)) = open_poll.take() {
                        debug_assert_eq!(started, *task);
                        model.task(*task, start).polls.push(Span { start, end: at });
                    }
                }
                TraceEvent::Woken { task, from } => {
                    model.task(*task, at).wakes.push((at, from.clone()))
                }
                TraceEvent::Done { task, end } => {
                    model.task(*task, at).done = Some((at, *end))
                }
                TraceEvent::CallbackStart { name } => open_callback = Some((name, at)),
                TraceEvent::CallbackEnd => {
                    if let Some((name, start)) = open_callback.take() {
                        model.event_loop.callbacks.push((Span { start, end: at }, name));
                    }
                }
                TraceEvent::TimerFired { count } => {
                    model.event_loop.timers.push((at, *count))
                }
                TraceEvent::IoReady { source, readable, writable } => {
                    model.event_loop.io.push((at, *source, *readable, *writable));
                }
                TraceEvent::JobStarted { job, thread } => {
                    open_jobs.push((*job, thread.clone(), at))
                }
                TraceEvent::JobFinished { job } => {
                    if let Some(i) = open_jobs.iter().position(|(open, _, _)| open == job)
                    {
                        let (job, thread, start) = open_jobs.swap_remove(i);
                        model.worker(thread).jobs.push((job, Span { start, end: at }));
                    }
                }
                TraceEvent::Parked { timeout } => open_park = Some((at, *timeout)),
                TraceEvent::Unparked => {
                    if let Some((start, timeout)) = open_park.take() {
                        model.event_loop.parked.push((Span { start, end: at }, timeout));
                    }
                }
            }
        }
        // What was still going on when the trace was taken ends with it.
        if let Some((task, start)) = open_poll {
            model.task(task, start).polls.push(Span { start, end });
        }
        if let Some((name, start)) = open_callback {
            model.event_loop.callbacks.push((Span { start, end }, name));
        }
        if let Some((start, timeout)) = open_park {
            model.event_loop.parked.push((Span { start, end }, timeout));
        }
        for (job, thread, start) in open_jobs {
            model.worker(thread).jobs.push((job, Span { start, end }));
        }
        model.tasks.sort_by_key(|task| task.number);
        model.index =
            model.tasks.iter().enumerate().map(|(i, task)| (task.number, i)).collect();
        model.workers.sort_by(|a, b| a.thread.cmp(&b.thread));
        model
    }

    /// The track of task `number`, made at `at` if it is new (the main
    /// future has no `Spawned` record: it appears at its first poll).
    fn task(&mut self, number: u64, at: Duration) -> &mut TaskTrack {
        let i = match self.index.get(&number) {
            Some(&i) => i,
            None => {
                let name = if number == 0 {
                    "main".to_owned()
                } else {
                    format!("Task-{number}")
                };
                self.tasks.push(TaskTrack {
                    number,
                    name,
                    future: "",
                    location: None,
                    spawned: at,
                    done: None,
                    polls: Vec::new(),
                    wakes: Vec::new(),
                });
                self.index.insert(number, self.tasks.len() - 1);
                self.tasks.len() - 1
            }
        };
        &mut self.tasks[i]
    }

    fn worker(&mut self, thread: String) -> &mut WorkerTrack {
        let i = match self.workers.iter().position(|worker| worker.thread == thread) {
            Some(i) => i,
            None => {
                self.workers.push(WorkerTrack { thread, jobs: Vec::new() });
                self.workers.len() - 1
            }
        };
        &mut self.workers[i]
    }

    /// Every span in which the loop's thread ran something: polls and
    /// callbacks.
    pub(crate) fn loop_busy(&self) -> Vec<Span> {
        let mut busy: Vec<Span> =
            self.tasks.iter().flat_map(|task| task.polls.iter().copied()).collect();
        busy.extend(self.event_loop.callbacks.iter().map(|(span, _)| *span));
        busy.sort_by_key(|span| span.start);
        busy
    }

    /// The longest poll: the task and the span.
    pub(crate) fn longest_poll(&self) -> Option<(&TaskTrack, Span)> {
        self.tasks
            .iter()
            .flat_map(|task| task.polls.iter().map(move |span| (task, *span)))
            .max_by_key(|(_, span)| span.end - span.start)
    }
}
