#!/usr/bin/perl
# SPDX-License-Identifier: MIT
#
# Runs the test scripts under TAP::Harness (what `prove` uses) and ends
# with one line "N passed, N failed, N skipped" that counts individual
# tests: the indented KTAP subtest results where a script prints KTAP
# subtests, its top-level TAP results otherwise. A script that fails as a
# whole (bad plan, crash, non-zero exit) with no failing test inside
# counts as one failure. Exit status 0 only if everything passed.
#
# Usage: perl scripts/runtests.pl tests/prove/*.t
use strict;
use warnings;
use TAP::Harness;

my %leaf;    # file => { pass, fail, skip }
my %top;     # file => { pass, fail, skip }

sub count {
	my ($h, $line) = @_;
	if ($line =~ /^\s*(not ok|ok)\b(.*)$/) {
		my ($res, $rest) = ($1, $2);
		if ($res eq 'not ok') {
			$h->{fail}++;
		} elsif ($rest =~ /#\s*SKIP/i) {
			$h->{skip}++;
		} else {
			$h->{pass}++;
		}
	}
}

my $harness = TAP::Harness->new({
	verbosity => 0,
	color     => 0,
	timer     => 1,
	exec      => sub { my ($h, $file) = @_; return ['bash', $file]; },
});
$harness->callback(made_parser => sub {
	my ($parser, $job) = @_;
	my $file = ref $job eq 'ARRAY' ? $job->[0] : "$job";
	$file = $job->filename if ref $job && eval { $job->can('filename') };
	$leaf{$file} ||= { pass => 0, fail => 0, skip => 0 };
	$top{$file}  ||= { pass => 0, fail => 0, skip => 0 };
	$parser->callback(ALL => sub {
		my $r = shift;
		my $raw = $r->raw;
		$raw =~ s/\r$//;
		if ($raw =~ /^\s+(not ok|ok)\b/) {
			count($leaf{$file}, $raw);
		} elsif ($r->is_test) {
			count($top{$file}, $raw);
		}
	});
});

my $agg = $harness->runtests(@ARGV);
my ($pass, $fail, $skip) = (0, 0, 0);
my %counted;    # file => the counts used for it
for my $file (keys %top) {
	my $l = $leaf{$file};
	my $h = ($l->{pass} + $l->{fail} + $l->{skip}) ? $l : $top{$file};
	$counted{$file} = $h;
	$pass += $h->{pass};
	$fail += $h->{fail};
	$skip += $h->{skip};
}
# A script that failed with no failure among the results counted for it
# (a crash or timeout after passing subtests: its "not ok" is top-level
# while its subtests are counted) is one failure.
for my $file ($agg->descriptions) {
	my ($parser) = $agg->parsers($file);
	next unless $parser && $parser->has_problems;
	my $h = $counted{$file} || { fail => 0 };
	$fail++ if $h->{fail} == 0;
}
print "$pass passed, $fail failed, $skip skipped\n";
exit($agg->all_passed && $fail == 0 ? 0 : 1);
