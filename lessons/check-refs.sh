#!/usr/bin/env bash
# Checks every code comment that names a lesson ("lesson 5", "Lessons 2, 3 and 8",
# "lesson 3 (Little's law)", "Lesson 5 (\"the chef who cooks at the register\")",
# "(\"the chef faints\", lesson 7)") against the lessons in lessons/: each number must
# be a lesson, and a title given in brackets right after it (or quoted right before
# it) must be that lesson's title, case and a leading "the" aside. A bracket of more
# than five words is a remark, not a title, and is not judged. Comments are read with
# their continuation lines joined, so a title broken over two lines is still seen.
# Run by lessons/check-all.sh. Known wrong references in files another branch owns
# (servers/, loadgen/) are listed in lessons/refs-pending.txt, one "PATH: TEXT => FIX"
# a line (TEXT as this script prints it): reported, not failed, until the file is
# fixed; then the entry is stale, which fails, so the list never outlives what it
# excuses. Needs only perl (perl-base, in every Debian). Exits non-zero when wrong.
set -u
cd "$(dirname "$0")/.."
files=$(grep -rlE '[Ll]essons? [0-9]' --include='*.c' --include='*.h' --include='*.sh' \
	common servers loadgen visualizer lessons/engine tests scripts 2>/dev/null; grep -lE '[Ll]essons? [0-9]' Makefile)
exec perl -e '
use strict; use warnings;
my %title; my $max = 0;
for my $f (glob "lessons/[0-9][0-9]-*.md") {
	my ($n) = $f =~ m{/0*(\d+)-}; open my $h, "<", $f or die; my $t = <$h>; close $h;
	$t =~ s/^#\s*//; chomp $t; $title{$n} = $t; $max = $n if $n > $max;
}
sub norm { my $s = lc shift; $s =~ s/^["\x27\s]+|["\x27\s]+$//g; $s =~ s/^the //; $s =~ s/\s+/ /g; return $s; }
my %pending; my $pf = "lessons/refs-pending.txt";
if (open my $p, "<", $pf) {
	while (<$p>) { chomp; next if /^#/ || !/\S/; my ($f, $t) = /^(.*?): (.*?) => /; $pending{"$f: $t"} = $_ if defined $t; }
	close $p;
}
my ($refs, $bad, $held) = (0, 0, 0); my %seen;
for my $f (@ARGV) {
	open my $h, "<", $f or next; local $/; my $src = <$h>; close $h;
	my $joined = $src; $joined =~ s/\n[ \t]*(\*|#|\/\/)?[ \t]*(?!\/)/ /g;
	while ($joined =~ /(?:"([^"]{1,60})",\s*)?\b([Ll]essons? (\d+(?:(?:,| and| to|-| or) ?\d+)*))(?: \(([^)]*)\))?/g) {
		my ($before, $text, $nums, $br) = ($1, $2, $3, $4);
		$refs++;
		my @n = $nums =~ /(\d+)/g; my $msg = "";
		for (@n) { $msg = "lesson $_ does not exist (there are $max)" if $_ < 1 || $_ > $max; }
		my $given = defined $br && scalar(split /\s+/, $br) <= 5 ? $br : $before;
		if (!$msg && defined $given && @n == 1) {
			my ($w, $g) = (norm($title{$n[0]}), norm($given));
			$msg = "lesson $n[0] is \"$title{$n[0]}\", not \"$given\"" unless index($w, $g) == 0 || index($g, $w) == 0;
		}
		next unless $msg;
		my $shown = $text . (defined $given ? " ($given)" : "");
		my $key = "$f: $shown";
		if ($pending{$key}) { $held++; $seen{$key} = 1; print "refs: pending (owned elsewhere): $key: $msg\n"; next; }
		print "refs: WRONG $f: $shown: $msg\n"; $bad++;
	}
}
for my $k (sort keys %pending) {
	next if $seen{$k};
	print "refs: STALE entry in $pf (fixed or moved: remove it): $pending{$k}\n"; $bad++;
}
print "refs: $refs lesson references, $bad wrong, $held pending\n";
exit($bad ? 1 : 0);
' $files
