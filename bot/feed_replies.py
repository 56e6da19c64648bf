"""What moderators are told about feeds: a poll's outcome, the followed feeds. Pure text, within Discord's limits."""

from __future__ import annotations

import datetime

from retrieval.followed_feeds import CONFIGURED, FollowedFeed

from .feeds import MAX_ENTRIES_PER_POLL, FeedPoll
from .fit import CONTENT_LIMIT, escaped_fit, trim

SHOWN_TITLES = 5


def _link(url: str) -> str:
    return f"<{trim(url, 300)}>"  # <...>: no preview of the feed under the reply


def poll_outcome(poll: FeedPoll) -> str:
    """'added 2 articles: *A*, *B*', 'nothing new', 'unchanged since the last poll' or why it failed."""
    if poll.error:
        return f"could not be read: {escaped_fit(poll.error, 300)}"
    if poll.not_modified:
        return "unchanged since the last poll"
    titles = ", ".join(f"*{escaped_fit(title, 100)}*" for title in poll.added[:SHOWN_TITLES])
    more = f" and {len(poll.added) - SHOWN_TITLES} more" if len(poll.added) > SHOWN_TITLES else ""
    text = (f"added {len(poll.added)} article{'' if len(poll.added) == 1 else 's'}: {titles}{more}" if poll.added
            else "nothing new")
    if poll.failed:
        text += f"; {len(poll.failed)} page(s) not added: {escaped_fit('; '.join(poll.failed), 300)}"
    if poll.left_out:
        text += (f" ({poll.left_out} older entries left out: at most {MAX_ENTRIES_PER_POLL} are taken per poll, "
                 "newest first)")
    return text


def polls_summary(polls: list[FeedPoll]) -> str:
    """For the /reload reply: one line per feed."""
    if not polls:
        return ""
    lines = [f"Feeds polled ({len(polls)}):"] + [f"- {_link(p.url)}: {poll_outcome(p)}" for p in polls]
    return "\n".join(lines)


def _when(moment: str) -> str:
    try:
        return f"<t:{int(datetime.datetime.fromisoformat(moment).timestamp())}:R>"  # Discord shows "5 minutes ago"
    except ValueError:
        return escaped_fit(moment, 40)


def feed_list_message(feeds: list[FollowedFeed]) -> str:
    """/feed list: each feed, who added it, its last poll, what that poll added and its last error."""
    if not feeds:
        return "No feed is followed. `/feed add url:` follows one."
    lines = [f"Following {len(feeds)} feed{'' if len(feeds) == 1 else 's'}:"]
    for number, feed in enumerate(feeds, start=1):
        by = "from the settings" if feed.added_by == CONFIGURED else f"added by {escaped_fit(feed.added_by, 60)}"
        polled = (f"last poll {_when(feed.last_poll)}, which added {feed.last_added} "
                  f"article{'' if feed.last_added == 1 else 's'}" if feed.last_poll else "last poll: never")
        line = f"{number}. {_link(feed.url)} \u00b7 {by} \u00b7 {polled}"
        if feed.last_error:
            line += f" \u00b7 last error: {escaped_fit(feed.last_error, 300)}"
        if len("\n".join([*lines, line])) > CONTENT_LIMIT - 40:
            lines.append(f"\u2026 and {len(feeds) - number + 1} more")
            break
        lines.append(line)
    return "\n".join(lines)
